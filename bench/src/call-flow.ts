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
import type { ReadyMessage } from './ipc.js';

/** Tokens live long enough for any run. */
const TOKEN_TTL_S = 3_600;

/** The connection id of `extension` under the default `exten_search_pattern` `ws-ext-(\w+)`. */
export const connectionIdFor = (extension: string): string => `ws-ext-${extension}`;

export async function loginPhone(gateway: ReadyMessage, extension: string, timeoutMs: number): Promise<BrowserPhone> {
  const token = await mintToken({ secret: gateway.secret, extension, ttlSeconds: TOKEN_TTL_S });
  return BrowserPhone.login(gateway.browserUrl, gateway.origin, token, timeoutMs);
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
 * Dial `extension` and answer at `phone` as soon as it rings. Rejects (and drops the call's
 * socket) when any step takes longer than `timeoutMs`.
 */
export async function ringAndAnswer(gateway: ReadyMessage, phone: BrowserPhone, extension: string, timeoutMs: number): Promise<AnsweredCall> {
  const call = await AsteriskCall.dial(gateway.asteriskUrl, connectionIdFor(extension), timeoutMs);
  try {
    const answerCommand = new Promise<void>((resolve) => (call.onAnswer = resolve));
    const incoming = phone.next('incoming', timeoutMs);
    call.sendMediaStart();
    const { message, atMs } = await incoming;
    const answered = phone.next('answered', timeoutMs);
    answered.catch(() => undefined); // awaited below; must not be unhandled if ANSWER fails first
    const answerSentAtMs = performance.now();
    phone.send({ type: 'answer', callId: message.callId });
    const closedEarly = call.closed.then((code) => Promise.reject(new Error(`asterisk socket closed (${code}) before ANSWER`)));
    await deadline(Promise.race([answerCommand, closedEarly]), timeoutMs, 'ANSWER at asterisk');
    await answered;
    return { call, callId: message.callId, incomingMs: atMs - call.mediaStartSentAtMs, answerMs: call.answerReceivedAtMs - answerSentAtMs };
  } catch (err) {
    call.ws.terminate();
    throw err;
  }
}
