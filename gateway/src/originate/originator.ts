/**
 * What the dialer needs from a click-to-call backend (AMI in `ami.ts`, ARI in `ari.ts`): ask
 * Asterisk to ring the user's channel and, once answered, run `exten` in `context`.
 * @packageDocumentation
 */
import type { DialErrorCode } from '@gag/sdk/protocol';

/** The channel variable that carries a dial's id to the call back (docs/click-to-call.md). */
export const DIAL_ID_VARIABLE = 'GAG_DIAL_ID';
/**
 * How the originate sets {@link DIAL_ID_VARIABLE}: with two underscores it is inherited by every
 * channel the call back creates (the Local channel's `;2` half and the WebSocket channel Dial()
 * makes), so it reaches MEDIA_START's `channel_variables` in the JSON format.
 */
export const DIAL_ID_VARIABLE_SET = `__${DIAL_ID_VARIABLE}`;

/** One originate, fully decided by the gateway (never by the browser). */
export interface OriginateRequest {
  /** Random, unguessable; travels as {@link DIAL_ID_VARIABLE} and comes back on the call. */
  readonly dialId: string;
  /** `originate_channel_template` with the token's extension, e.g. `Local/2001@inhouse`. */
  readonly channel: string;
  /** `originate_context`, e.g. `outgoing`. */
  readonly context: string;
  /** The normalised number, run in `context` at priority 1. */
  readonly exten: string;
  /** `originate_caller_id` filled in; undefined leaves Asterisk's default. */
  readonly callerId: string | undefined;
  /** How long Asterisk rings the user's channel. */
  readonly timeoutMs: number;
}

/** Why an originate failed, as the user is told (a subset of the wire's dial error codes). */
export type OriginateFailure = Extract<DialErrorCode, 'asterisk_unreachable' | 'asterisk_login_failed' | 'originate_failed'>;

/** The outcome of {@link Originator.originate}; `detail` is for the log and the user, never a secret. */
export type OriginateResult = { readonly ok: true } | { readonly ok: false; readonly code: OriginateFailure; readonly detail: string };

/** The outcome of {@link DtmfSender.sendDtmf}; `detail` is for the log, never a secret. */
export type DtmfOutcome = { readonly ok: true } | { readonly ok: false; readonly detail: string };

/**
 * Presses keys on a call's channel in Asterisk, as if they came from that channel: the way keypad
 * digits reach the other party, `Read()` or an IVR, since chan_websocket has no DTMF command.
 */
export interface DtmfSender {
  /**
   * Press one key on `channel` (MEDIA_START's `channel`, e.g. `WebSocket/ws-ext-2001/0x7f…`).
   * Resolves once Asterisk queued it or refused; never throws.
   */
  sendDtmf(channel: string, digit: string): Promise<DtmfOutcome>;
}

/** A click-to-call backend. */
export interface Originator {
  readonly backend: 'ami' | 'ari';
  /** Presses keys on calls (AMI `PlayDTMF`); undefined when the backend cannot (ARI). */
  readonly dtmf: DtmfSender | undefined;
  /** Connect (AMI) or nothing (ARI is stateless HTTP). */
  start(): void;
  originate(request: OriginateRequest): Promise<OriginateResult>;
  /** Whether Asterisk can take an originate now (for `/readyz`). */
  isReady(): Promise<boolean>;
  /**
   * Called when an originate Asterisk accepted fails later (AMI's `OriginateResponse` with
   * `Response: Failure`), with the dial's id and a reason.
   */
  onLateFailure: ((dialId: string, detail: string) => void) | undefined;
  close(): Promise<void>;
}
