/**
 * What the call logic sees of a browser, whichever protocol it speaks: `gag.v1`
 * ({@link BrowserSession}) or GoAstGateway's legacy words (translated in `legacy.ts`).
 * Both speak in `gag.v1` messages to the rest of the gateway.
 * @packageDocumentation
 */
import type { EventEmitter } from 'eventemitter3';
import type { ClientMessage, ServerMessage, WireFormat } from '@gag/sdk/protocol';
import type { TokenClaims, TokenVerifier } from '../access/token.js';
import type { Logger } from '../log.js';
import type { PhoneStats } from './audio-out.js';

/**
 * What the login token asks of the gateway: record or fork this agent's calls (claims `gag_record`,
 * `gag_fork`), or log in a supervisor (`gag_role: "supervisor"`).
 */
export interface PhoneClaims {
  readonly record: boolean;
  readonly fork: boolean;
  readonly supervisor: boolean;
}

/** A phone whose token asks for nothing: the legacy protocol's, and every phone before login. */
export const NO_CLAIMS: PhoneClaims = { record: false, fork: false, supervisor: false };

/** The claims a verified token gives its phone. */
export const phoneClaimsOf = (claims: TokenClaims): PhoneClaims => ({ record: claims.record === true, fork: claims.fork === true, supervisor: claims.supervisor === true });

/**
 * Send a call notice (`recording`, `supervised`) to `phone`, only if its `hello` listed
 * `call_notices` (an older SDK closes on a message it does not know).
 * @example sendCallNotice(call.talkingWith, { type: 'recording', callId: call.id, state: 'paused' });
 */
export function sendCallNotice(phone: Phone | undefined, notice: Extract<ServerMessage, { type: 'recording' | 'supervised' }>): void {
  if (phone?.callNotices === true) phone.send(notice);
}

/** Control messages a phone sends after logging in. */
export type PhoneMessage = Exclude<ClientMessage, { type: 'hello' }>;

/** Events of a {@link Phone}. */
export interface PhoneEvents {
  /** Logged in: `extension` is set; fires once. */
  ready: () => void;
  /** A control message for a call. */
  message: (message: PhoneMessage) => void;
  /** Whole frames from the browser, in the codec of the call it talks in. */
  audio: (frames: Buffer) => void;
  /** The connection is gone; fires once, last. */
  closed: (code: number) => void;
}

/** A logged-in browser connection. */
export interface Phone extends EventEmitter<PhoneEvents> {
  readonly id: string;
  readonly protocol: 'gag.v1' | 'legacy';
  /** The extension from the token; set once `ready` has fired. */
  readonly extension: string | undefined;
  /** What the token asks for (recording, fork, supervisor). */
  readonly claims: PhoneClaims;
  /**
   * Whether the browser listed `call_notices` in `hello.features`: only then may it be sent
   * `recording` and `supervised` (an older SDK closes on a message it does not know).
   */
  readonly callNotices: boolean;
  readonly remoteAddress: string | undefined;
  readonly userAgent: string | undefined;
  readonly connectedAtMs: number;
  /** The cluster node the browser is connected to, when it is another node's phone (cluster/remote-phone.ts); undefined for this node's. */
  readonly node?: string | undefined;
  readonly log: Logger;
  /** Counters (no per-frame logging); every frame is counted once, by the phone. */
  readonly stats: Readonly<PhoneStats>;
  /** Tell the browser about a call. A message the protocol cannot express is dropped. */
  send(message: ServerMessage): void;
  /** Whether the phone can be offered another call now (a legacy phone holds one call at a time). */
  readonly canTakeCall: boolean;
  /** The codecs this phone can speak: a call in another one does not ring it. */
  readonly formats: readonly WireFormat[];
  /**
   * The call tells the phone the codec it now talks in (undefined: the call is over), so it can
   * check the length of the audio it receives and count what it sends.
   */
  talkingIn(format: WireFormat | undefined): void;
  /**
   * Audio towards the browser, counted in {@link Phone.stats}. A browser that does not keep up
   * loses new frames until it catches up: false when these were dropped (or the phone is gone),
   * as `AsteriskLeg.sendAudio` reports it the other way.
   */
  sendAudio(frames: Buffer): boolean;
  /**
   * The gateway is draining (a rolling upgrade): close with 1001 GOING_AWAY, which browsers retry,
   * so they log in on another node. Called only while the phone is in no call.
   */
  goAway(reason: string): void;
  /**
   * Verify the phone's token again (a reload's keys and checks). One that no longer verifies is
   * treated as expired: the phone stops ringing and is closed (now, or when its call ends).
   */
  recheckToken(verify: TokenVerifier): Promise<void>;
}
