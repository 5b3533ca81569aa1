/**
 * The steps every benchmark repeats: mint a token, log a browser in, and ring a call from the
 * fake Asterisk to that browser until both sides know it is answered, timing the two hops that
 * make call setup: MEDIA_START sent → `incoming` at the browser, `answer` sent → ANSWER at Asterisk.
 * @packageDocumentation
 */
import { mintToken } from '@gag/gateway';
import { AsteriskCall } from './asterisk-call.js';
import { deadline } from './bounded.js';
import { BrowserPhone } from './browser-phone.js';
import { LegacyPhone } from './legacy-phone.js';

/** Where a gateway (ours or the bare relay) listens, and what its browsers need to log in. */
export interface Endpoints {
  readonly asteriskUrl: string;
  readonly browserUrl: string;
  /** The HS256 secret tokens are signed with. */
  readonly secret: string;
  /** The Origin the gateway allows. */
  readonly origin: string;
  /** The CA of its wss:// certificate (the bench's own chain), when it has one. */
  readonly ca?: Buffer;
}

/** Tokens live long enough for any run. */
const TOKEN_TTL_S = 3_600;

/** The connection id of `extension` under the default `exten_search_pattern` `ws-ext-(\w+)`. */
export const connectionIdFor = (extension: string): string => `ws-ext-${extension}`;

export async function loginPhone(gateway: Endpoints, extension: string, timeoutMs: number): Promise<BrowserPhone> {
  const token = await mintToken({ secret: gateway.secret, extension, ttlSeconds: TOKEN_TTL_S });
  return BrowserPhone.login(gateway.browserUrl, gateway.origin, token, timeoutMs, gateway.ca);
}

/** A GoAstGateway webphone (`?token=`, words as TEXT), for the bare relay and our legacy path. */
export async function loginLegacyPhone(gateway: Endpoints, extension: string, timeoutMs: number): Promise<LegacyPhone> {
  const token = await mintToken({ secret: gateway.secret, extension, ttlSeconds: TOKEN_TTL_S });
  return LegacyPhone.login(gateway.browserUrl, gateway.origin, token, timeoutMs, gateway.ca);
}

/** An answered call, with its setup times. */
export interface AnsweredCall {
  readonly call: AsteriskCall;
  readonly callId: string;
  /** MEDIA_START handed to the socket → `incoming` received by the browser, ms. */
  readonly incomingMs: number;
  /** `answer` handed to the socket → ANSWER received by Asterisk, ms. */
  readonly answerMs: number;
}

/**
 * Dial `extension` and answer at `phone` as soon as it rings (`incoming` → `answer` → `answered`
 * in gag.v1; `RINGING` → `ANSWER` in the legacy protocol, which confirms nothing). Rejects (and
 * drops the call's socket) when any step takes longer than `timeoutMs`.
 */
export async function ringAndAnswer(gateway: Endpoints, phone: BrowserPhone | LegacyPhone, extension: string, timeoutMs: number): Promise<AnsweredCall> {
  const call = await AsteriskCall.dial(gateway.asteriskUrl, connectionIdFor(extension), timeoutMs);
  try {
    const answerCommand = new Promise<void>((resolve) => (call.onAnswer = resolve));
    const closedEarly = call.closed.then((code) => Promise.reject(new Error(`asterisk socket closed (${code}) before ANSWER`)));
    closedEarly.catch(() => undefined); // raced below; must not be unhandled when the call ends normally
    if (phone instanceof LegacyPhone) {
      const ring = phone.nextRing(timeoutMs);
      call.sendMediaStart();
      const atMs = await ring;
      const answerSentAtMs = performance.now();
      phone.answer();
      await deadline(Promise.race([answerCommand, closedEarly]), timeoutMs, 'ANSWER at asterisk');
      return { call, callId: '', incomingMs: atMs - call.mediaStartSentAtMs, answerMs: call.answerReceivedAtMs - answerSentAtMs };
    }
    const incoming = phone.next('incoming', timeoutMs);
    call.sendMediaStart();
    const { message, atMs } = await incoming;
    const answered = phone.next('answered', timeoutMs);
    answered.catch(() => undefined); // awaited below; must not be unhandled if ANSWER fails first
    const answerSentAtMs = performance.now();
    phone.send({ type: 'answer', callId: message.callId });
    await deadline(Promise.race([answerCommand, closedEarly]), timeoutMs, 'ANSWER at asterisk');
    await answered;
    return { call, callId: message.callId, incomingMs: atMs - call.mediaStartSentAtMs, answerMs: call.answerReceivedAtMs - answerSentAtMs };
  } catch (err) {
    call.ws.terminate();
    throw err;
  }
}
