/**
 * One browser connection speaking GoAstGateway's legacy webphone protocol
 * (docs/legacy-protocol.md), translated to and from the `gag.v1` messages the rest of the gateway
 * speaks, so that `calls/` never sees a legacy word:
 *
 * | legacy (TEXT)        | gag.v1                                                   |
 * |----------------------|----------------------------------------------------------|
 * | → `RINGING`          | `incoming`                                               |
 * | → `HANGUP`           | `ended`, whatever the reason                             |
 * | → (nothing)          | `welcome`, `answered`, `dtmf`: the protocol has no word  |
 * | ← `ANSWER`           | `answer` for the call offered to this phone              |
 * | ← `HANGUP`           | `hangup` for that call (a reject while it rings)         |
 * | → `BUSY`, then close | a second legacy login for the extension ({@link refuseBusy}) |
 * | → `KICKED`, then close | the token expired, or a reload refused it (4101)          |
 *
 * Audio is raw slin16 in BINARY frames both ways. The token was checked before the upgrade (the
 * listener), so the phone is `ready` at once.
 * @packageDocumentation
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'eventemitter3';
import type { WebSocket } from 'ws';
import { CLOSE, FRAME_BYTES, IllegalTransitionError, type ServerMessage, type WireFormat } from '@gag/sdk/protocol';
import type { TokenVerifier } from '../access/token.js';
import type { Logger } from '../log.js';
import { onMessages } from '../net/binary-frames-in.js';
import { startHeartbeat } from '../net/heartbeat.js';
import { closeSocket } from '../net/ws-close.js';
import { AudioOut, type PhoneStats } from './audio-out.js';
import { NO_CLAIMS, type Phone, type PhoneClaims, type PhoneEvents } from './phone.js';
import { TokenLifetime, type TokenLapse } from './token-lifetime.js';

/** The words of the legacy protocol (docs/legacy-protocol.md#words). */
export const LEGACY_WORDS = {
  /** Gateway → browser: a call is offered. */
  RINGING: 'RINGING',
  /** Both ways: the call ended / end or reject the call. */
  HANGUP: 'HANGUP',
  /** Browser → gateway: take the ringing call. */
  ANSWER: 'ANSWER',
  /** Gateway → browser: the extension is already online; the connection closes. */
  BUSY: 'BUSY',
  /**
   * Gateway → browser: the session is over (its token expired, or a reload refused it); the
   * connection closes. A word the webphone already knows: the protocol has no refresh.
   */
  KICKED: 'KICKED',
} as const;

/**
 * Longest TEXT message a legacy phone may send. Its words are at most 7 bytes; anything near this
 * is not the webphone, and is closed with 1009 (RFC 6455 "message too big") rather than read.
 */
export const MAX_LEGACY_TEXT_BYTES = 1_024;
/** The one codec of the GoAstGateway webphone. */
const LEGACY_FORMAT: WireFormat = 'slin16';
/** Close code after `BUSY`: none of `CLOSE` fits, and one connection per extension is a policy (1008). */
export const BUSY_CLOSE_CODE = 1008;
const TOO_BIG_CLOSE_CODE = 1009;

/** Where a legacy connection is: authenticated but not yet announced, logged in, or closed (once). */
type LegacyPhase = 'open' | 'ready' | 'closed';

/** The moves a legacy connection may make, as data; any other is our bug. */
const LEGACY_PHASES: { readonly [P in LegacyPhase]: readonly LegacyPhase[] } = {
  open: ['ready', 'closed'],
  ready: ['closed'],
  closed: [],
};

/** What a legacy session needs; the token was already verified before the upgrade. */
export interface LegacySessionOptions {
  /** From the token's `ext` claim, verified before the upgrade. */
  readonly extension: string;
  /** Already bound to this connection (connId, exten, side). */
  readonly log: Logger;
  readonly remoteAddress: string | undefined;
  readonly userAgent: string | undefined;
  readonly heartbeatIntervalMs?: number | undefined;
  /** The token from `?token=`, kept to verify it again on reload (never logged). */
  readonly token: string;
  /** The token's `exp`, ms since the epoch: the session ends then (the protocol has no refresh). */
  readonly tokenExpiresAtMs: number;
  /** The token's media claims (recording, fork); a legacy phone is never a supervisor (its protocol has no words for it). */
  readonly claims?: Pick<PhoneClaims, 'record' | 'fork'>;
}

/**
 * Send `BUSY` and close: the extension already has a legacy phone online, which stays
 * (docs/legacy-protocol.md#one-phone-per-extension).
 * @example
 * if (registry.legacyOnline(extension)) return refuseBusy(ws, log);
 */
export function refuseBusy(ws: WebSocket, log: Logger): void {
  log.warn({ code: BUSY_CLOSE_CODE }, 'refused: extension already online');
  ws.on('error', (err) => log.debug({ err: err.message }, 'refused socket error')); // an unheard 'error' would crash
  ws.send(LEGACY_WORDS.BUSY);
  ws.close(BUSY_CLOSE_CODE, 'extension already online');
}

/**
 * A logged-in GoAstGateway webphone, seen by the gateway as a {@link Phone}.
 * @example
 * const phone = new LegacySession(ws, { extension: '2001', log, remoteAddress, userAgent: undefined });
 * onPhone(phone); // attach `ready` listeners
 * phone.start();    // `ready`
 */
export class LegacySession extends EventEmitter<PhoneEvents> implements Phone {
  readonly id = randomUUID();
  readonly protocol = 'legacy';
  readonly connectedAtMs = Date.now();
  readonly claims: PhoneClaims;
  /** The legacy protocol has no words for recording or supervisor notices. */
  readonly callNotices = false;
  readonly extension: string;
  readonly remoteAddress: string | undefined;
  readonly userAgent: string | undefined;
  readonly log: Logger;
  /** Audio towards the webphone, 20 ms a message as GoAstGateway sent it, and its counters. */
  readonly #out: AudioOut;
  /** Counters (no per-frame logging); `framesIn` counts whole frames relayed. */
  get stats(): PhoneStats {
    return this.#out.stats;
  }
  /** The webphone speaks slin16 only: a call in another codec does not ring it (the gateway never transcodes). */
  readonly formats: readonly WireFormat[] = [LEGACY_FORMAT];
  readonly #ws: WebSocket;
  /** Changed only by {@link LegacySession.#setPhase}. */
  #phase: LegacyPhase = 'open';
  /**
   * The call offered to or in progress on this phone. The legacy protocol has no call ids: the
   * phone's `ANSWER`/`HANGUP` mean this call, from its `incoming` until its `ended`.
   */
  #callId: string | undefined;
  /**
   * The start of a frame not yet complete. The webphone sends 640-byte frames, but any size is
   * legal on its wire; Asterisk drops an odd leftover (docs/chan-websocket.md#media), so we
   * pass on whole frames only and hold the rest here: never more than one frame, allocated once.
   */
  readonly #partial = Buffer.alloc(FRAME_BYTES);
  #partialBytes = 0;
  /** Whether the current call is answered here (`talkingIn`): a lapsed token lets it finish. */
  #talking = false;
  readonly #options: LegacySessionOptions;
  /** Watches the token from `start()` on. */
  #lifetime: TokenLifetime | undefined;
  readonly #stopHeartbeat: () => void;
  /** Stops hearing the connection's messages (both ways they come: net/binary-frames-in.ts). */
  readonly #stopMessages: () => void;
  readonly #onWsClose = (code: number): void => this.#onClose(code);
  readonly #onWsError = (err: Error): void => this.log.warn({ err: err.message }, 'browser socket error');

  constructor(ws: WebSocket, options: LegacySessionOptions) {
    super();
    this.#ws = ws;
    this.#out = new AudioOut(ws);
    this.#options = options;
    this.extension = options.extension;
    this.claims = { ...NO_CLAIMS, ...options.claims, supervisor: false };
    this.remoteAddress = options.remoteAddress;
    this.userAgent = options.userAgent;
    this.log = options.log;
    this.#stopHeartbeat = startHeartbeat(ws, { intervalMs: options.heartbeatIntervalMs, onLost: () => this.log.info('heartbeat lost') });
    this.#stopMessages = onMessages(ws, (data, isBinary) => this.#onMessage(data, isBinary)); // audio without ws's receiver
    ws.on('close', this.#onWsClose);
    ws.on('error', this.#onWsError);
  }

  /**
   * Announce the phone: `ready` fires once. The listener calls this right after handing the session
   * to its owner, in the same tick as the one-per-extension check, so two logins cannot both pass it.
   */
  start(): void {
    if (this.#phase !== 'open') return;
    this.#setPhase('ready');
    this.log.info({ ip: this.remoteAddress, protocol: this.protocol }, 'browser online');
    this.emit('ready');
    // A `ready` listener may have closed it (TypeScript does not see that through emit).
    if ((this.#phase as LegacyPhase) !== 'ready') return;
    const { token, tokenExpiresAtMs, extension } = this.#options;
    this.#lifetime = new TokenLifetime(token, { extension, expiresAtMs: tokenExpiresAtMs }, (why) => this.#lapse(why));
  }

  /**
   * One line: no other call is offered while one rings or talks here (the router skips this
   * phone), nor once the token lapsed.
   */
  get canTakeCall(): boolean {
    return this.#callId === undefined && this.#lifetime?.lapsed !== true;
  }

  /** Verify the token again with a reload's verifier: one it refuses ends the session as an expired one. */
  recheckToken(verify: TokenVerifier): Promise<void> {
    return this.#lifetime?.recheck(verify) ?? Promise.resolve();
  }

  /** Tell the phone about a call, in the words it knows; a message it has no word for is dropped. */
  send(message: ServerMessage): void {
    if (this.#phase !== 'ready') return;
    switch (message.type) {
      case 'incoming':
        if (this.#callId !== undefined && this.#callId !== message.callId) return this.#decline(message.callId);
        this.#setCall(message.callId);
        return this.#sendWord(LEGACY_WORDS.RINGING);
      case 'ended':
        // A call this phone was never told about (one it declined) ends silently.
        if (message.callId !== this.#callId) return;
        this.#setCall(undefined);
        return this.#sendWord(LEGACY_WORDS.HANGUP);
      default:
        // `answered`: the webphone went to talking on its own ANSWER. welcome, dtmf: no word for them.
        return;
    }
  }

  /**
   * The router rings this phone for slin16 calls only, so its audio is always slin16: this only
   * tells whether it talks, and the end of a call a lapsed token was allowed to finish.
   */
  talkingIn(format: WireFormat | undefined): void {
    this.#talking = format !== undefined;
    // The call's `HANGUP` went first: now the session ends.
    if (!this.#talking && this.#lifetime?.lapsed === true) queueMicrotask(() => this.#kick());
  }

  /** Audio towards the phone; a phone that does not keep up loses frames rather than growing our memory (false). */
  sendAudio(frames: Buffer): boolean {
    return this.#phase === 'ready' && this.#out.send(frames, LEGACY_FORMAT);
  }

  /**
   * The phone can hold one call (docs/legacy-protocol.md#words: no call ids, and GoAstGateway rang only
   * idle phones): a second call offered while one is current is rejected for it, so the caller's
   * dialplan (or the group) moves on instead of waiting. Deferred so the call finishes entering
   * `ringing` before it hears of the reject.
   */
  #decline(callId: string): void {
    this.log.debug({ callId, current: this.#callId }, 'second call declined: the legacy phone has one line');
    queueMicrotask(() => {
      if (this.#phase === 'ready') this.emit('message', { type: 'reject', callId });
    });
  }

  #setCall(callId: string | undefined): void {
    this.#callId = callId;
    this.#partialBytes = 0; // a partial frame of the previous call must not start the next one
  }

  #sendWord(word: (typeof LEGACY_WORDS)[keyof typeof LEGACY_WORDS]): void {
    this.log.debug({ word }, 'to browser');
    this.#ws.send(word);
  }

  #onMessage(data: Buffer, isBinary: boolean): void {
    if (this.#phase !== 'ready') return;
    if (isBinary) return this.#onAudio(data);
    if (data.length > MAX_LEGACY_TEXT_BYTES) {
      return this.#close(TOO_BIG_CLOSE_CODE, `text messages are at most ${MAX_LEGACY_TEXT_BYTES} bytes`);
    }
    const word = data.toString('utf8');
    switch (word) {
      case LEGACY_WORDS.ANSWER:
        return this.#forCurrentCall('answer', word);
      case LEGACY_WORDS.HANGUP:
        return this.#forCurrentCall('hangup', word);
      default:
        // GoAstGateway ignored words it did not know; so do we. Only a word-like string is logged.
        this.log.debug({ word: /^[A-Z_]{1,16}$/.test(word) ? word : undefined, bytes: data.length }, 'unknown legacy word ignored');
    }
  }

  /** `ANSWER`/`HANGUP` act on the current call; with none (it just ended, a race) they mean nothing. */
  #forCurrentCall(type: 'answer' | 'hangup', word: string): void {
    const callId = this.#callId;
    if (callId === undefined) {
      this.log.debug({ word }, 'legacy word for no call ignored');
      return;
    }
    this.log.debug({ word, callId }, 'from browser');
    this.emit('message', { type, callId });
  }

  /** Re-frame to whole frames: carry the odd tail into the next message, relay the rest. */
  #onAudio(data: Buffer): void {
    const held = this.#partialBytes;
    const total = held + data.length;
    const wholeBytes = total - (total % FRAME_BYTES);
    if (wholeBytes === 0) {
      data.copy(this.#partial, held);
      this.#partialBytes = total;
      return;
    }
    let frames = data; // the webphone's own whole frames pass without a copy
    if (held !== 0 || wholeBytes !== data.length) {
      frames = Buffer.allocUnsafe(wholeBytes);
      this.#partial.copy(frames, 0, 0, held);
      data.copy(frames, held, 0, wholeBytes - held);
    }
    data.copy(this.#partial, 0, wholeBytes - held);
    this.#partialBytes = total - wholeBytes;
    this.#out.stats.framesIn += wholeBytes / FRAME_BYTES;
    this.emit('audio', frames);
  }

  /**
   * The token expired (the legacy protocol has no refresh) or a reload refused it: no call is
   * offered from now on. Idle or ringing, the phone is told `KICKED` and closed at once (a call
   * ringing it goes on ringing the others); talking, it finishes the call first.
   */
  #lapse(why: TokenLapse): void {
    if (this.#phase !== 'ready') return;
    this.log.info({ reason: why, talking: this.#talking, protocol: this.protocol }, why === 'expired' ? 'token expired: session ends' : 'token no longer verifies after reload: session ends');
    if (!this.#talking) this.#kick();
  }

  /** `KICKED`, then close with 4101 (TOKEN_EXPIRED), which the webphone shows as a closed connection. */
  #kick(): void {
    if (this.#phase !== 'ready' || this.#talking || this.#lifetime?.lapsed !== true) return;
    this.#sendWord(LEGACY_WORDS.KICKED);
    this.#close(CLOSE.TOKEN_EXPIRED.code, 'token expired or revoked: log in again');
  }

  /** Close with 1001 (the webphone shows a closed connection and its page reconnects, to another node). */
  goAway(reason: string): void {
    this.#close(CLOSE.GOING_AWAY.code, reason);
  }

  #close(code: number, reason: string): void {
    if (this.#phase === 'closed') return;
    this.log.info({ code, reason }, 'closing browser connection');
    closeSocket(this.#ws, code, reason);
    // Let go now: a peer that never answers the close frame must not keep ringing (ws cuts it after 30 s).
    this.#onClose(code);
  }

  /** The only place the phase changes; an illegal move is our bug. */
  #setPhase(to: LegacyPhase): void {
    if (!LEGACY_PHASES[this.#phase].includes(to)) throw new IllegalTransitionError(this.#phase, to);
    this.#phase = to;
  }

  /** The one place this connection lets go of its timer and listeners. */
  #onClose(code: number): void {
    if (this.#phase === 'closed') return;
    // `ready` has fired: `browser offline` is worth a line.
    const announced = this.#phase === 'ready';
    this.#setPhase('closed');
    this.#stopHeartbeat();
    this.#lifetime?.dispose();
    this.#stopMessages();
    this.#ws.off('close', this.#onWsClose);
    // The error listener stays: a closing socket can still fail, and an unheard 'error' would crash.
    if (announced) this.log.info({ code }, 'browser offline');
    this.emit('closed', code);
    this.removeAllListeners();
  }
}
