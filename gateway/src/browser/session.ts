/**
 * One browser connection speaking `gag.v1`: `hello` with the token first (within
 * HELLO_TIMEOUT_MS), then control messages as JSON TEXT and audio as BINARY. Bad input closes this
 * one connection with a code from `CLOSE` and a reason. It knows nothing of Asterisk or calls.
 * @packageDocumentation
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'eventemitter3';
import type { WebSocket } from 'ws';
import {
  CLIENT_FEATURES,
  CLOSE,
  DEFAULT_WIRE_FORMAT,
  FRAME_MS,
  HELLO_TIMEOUT_MS,
  IllegalTransitionError,
  WIRE_FORMATS,
  frameBytesOf,
  wholeFramesOf,
  ProtocolError,
  encodeServerMessage,
  parseClientMessage,
  tokenRefusalReason,
  type ClientMessage,
  type CloseName,
  type PacketMs,
  type ServerMessage,
  type WireFormat,
} from '@gag/sdk/protocol';
import type { TokenClaims, TokenVerifier } from '../access/token.js';
import { TokenError } from '../errors.js';
import type { Logger } from '../log.js';
import { onMessages } from '../net/binary-frames-in.js';
import { startHeartbeat } from '../net/heartbeat.js';
import { closeSocket } from '../net/ws-close.js';
import { AudioOut, type PhoneStats } from './audio-out.js';
import { NO_CLAIMS, phoneClaimsOf, type Phone, type PhoneClaims, type PhoneEvents } from './phone.js';
import { TokenLifetime, type TokenLapse } from './token-lifetime.js';

/**
 * A browser with this much not yet sent to it has stopped reading (audio past its small backlog is
 * dropped, so only control messages get here: a flood of pings whose pongs it never reads).
 */
export const MAX_UNREAD_BYTES = 1024 * 1024;

/** After its call's codec changes, a session's frames of the old codec are dropped this long, not refused. */
const FORMAT_CHANGE_GRACE_MS = 1_000;

/**
 * Where a gag.v1 connection is: waiting for `hello`, verifying its token, logged in (`ready`:
 * only now does it send and take calls), or closed (timers and listeners released, once).
 */
export type SessionPhase = 'hello' | 'verifying' | 'ready' | 'closed';

/** The moves a connection may make, as data; any other is our bug. */
const PHASES: { readonly [P in SessionPhase]: readonly SessionPhase[] } = {
  hello: ['verifying', 'closed'],
  verifying: ['ready', 'closed'],
  ready: ['closed'],
  closed: [],
};

/** Who logged in, as `welcome`'s features may depend on it. */
export interface SessionLogin {
  readonly extension: string;
  readonly claims: PhoneClaims;
}

/** What a gag.v1 session needs: how to verify its token, a logger, and who is on the other end. */
export interface BrowserSessionOptions {
  readonly verify: TokenVerifier;
  readonly log: Logger;
  readonly remoteAddress: string | undefined;
  readonly userAgent: string | undefined;
  readonly heartbeatIntervalMs?: number;
  /** Optional features to list in `welcome` (read when the token is accepted; `supervise` depends on who logs in). */
  readonly features?: (login: SessionLogin) => readonly string[];
  /** Audio per message both ways (`browser_packet_ms`, told in `welcome`); 20 by default. */
  readonly packetMs?: PacketMs;
  /** A token was refused, with the refusal's reason (counted, never the token). */
  readonly onAuthFailure?: (reason: string) => void;
  /**
   * Asked once the token is accepted, before `welcome`: a place for the session (released when it
   * closes) or the close that refuses it (a limit: browser/admission.ts; the caller logs it, sampled).
   */
  readonly admit?: (extension: string, token: string) => { readonly ok: true; readonly release: () => void } | { readonly ok: false; readonly close: CloseName; readonly reason: string };
}

/**
 * One gag.v1 browser connection as a {@link Phone}: `hello` first, then JSON control and binary audio.
 * @example
 * const session = new BrowserSession(ws, { verify, log, remoteAddress, userAgent });
 * session.once('ready', () => registry.add(session));
 */
export class BrowserSession extends EventEmitter<PhoneEvents> implements Phone {
  readonly id = randomUUID();
  readonly protocol = 'gag.v1';
  /** The SDK speaks every codec the gateway relays (`incoming.format` tells it which). */
  readonly formats = WIRE_FORMATS;
  readonly connectedAtMs = Date.now();
  readonly remoteAddress: string | undefined;
  readonly userAgent: string | undefined;
  readonly #ws: WebSocket;
  /** Audio towards the browser, in packets of `packetMs`, and the counters (no per-frame logging). */
  readonly #out: AudioOut;
  readonly #options: BrowserSessionOptions;
  #log: Logger;
  #extension: string | undefined;
  #claims: PhoneClaims = NO_CLAIMS;
  #callNotices = false;
  /** Changed only by {@link BrowserSession.#setPhase}. */
  #phase: SessionPhase = 'hello';
  /** The codec of the call this phone talks in, if any. */
  #talkingFormat: WireFormat | undefined;
  /** The codec of the last call: its frames may still be on their way when the call has ended. */
  #lastFormat: WireFormat = DEFAULT_WIRE_FORMAT;
  /** The codec before a change and until when its frames are let through (dropped): a supervisor moves between calls at once. */
  #leftFormat: { readonly format: WireFormat; readonly untilMs: number } | undefined;
  readonly #helloTimer: NodeJS.Timeout;
  readonly #stopHeartbeat: () => void;
  /** The token and its expiry, from `welcome` on (docs/protocol.md#token-lifetime). */
  #lifetime: TokenLifetime | undefined;
  /** Counts `token` messages: a verdict on an older one that arrives after a newer one's is not applied. */
  #refreshes = 0;
  /** Gives back this session's place under the limits (set at login). */
  #releasePlace: (() => void) | undefined;

  constructor(ws: WebSocket, options: BrowserSessionOptions) {
    super();
    this.#ws = ws;
    this.#out = new AudioOut(ws, options.packetMs);
    this.#options = options;
    this.remoteAddress = options.remoteAddress;
    this.userAgent = options.userAgent;
    this.#log = options.log;
    this.#helloTimer = setTimeout(() => this.close('HELLO_TIMEOUT', 'no hello within 5 s'), HELLO_TIMEOUT_MS);
    this.#stopHeartbeat = startHeartbeat(ws, { intervalMs: options.heartbeatIntervalMs, onLost: () => this.#log.info('heartbeat lost') });
    onMessages(ws, (data, isBinary) => this.#onMessage(data, isBinary)); // audio without ws's receiver (net/binary-frames-in.ts)
    ws.on('close', (code) => this.#onClose(code));
    ws.on('error', (err) => this.#log.warn({ err: err.message }, 'browser socket error'));
  }

  /** Counters (no per-frame logging). */
  get stats(): PhoneStats {
    return this.#out.stats;
  }

  /** The extension from the token; set once `ready` has fired. */
  get extension(): string | undefined {
    return this.#extension;
  }

  /** What the login token asks for (recording, fork, supervisor). */
  get claims(): PhoneClaims {
    return this.#claims;
  }

  /** Whether `hello` listed `call_notices` (the `recording` and `supervised` messages). */
  get callNotices(): boolean {
    return this.#callNotices;
  }

  get log(): Logger {
    return this.#log;
  }

  /**
   * A gag.v1 phone can ring for several calls at once (it has call ids), while its token is
   * good: one that expired or was revoked is offered no new call.
   */
  get canTakeCall(): boolean {
    return this.#lifetime?.lapsed !== true;
  }

  /** When this session's token expires, ms since the epoch (undefined before `welcome`). */
  get tokenExpiresAtMs(): number | undefined {
    return this.#lifetime?.expiresAtMs;
  }

  /** Verify the token again with a reload's verifier: one it refuses ends the session as an expired one. */
  recheckToken(verify: TokenVerifier): Promise<void> {
    return this.#lifetime?.recheck(verify) ?? Promise.resolve();
  }

  /**
   * Send a control message (dropped if the connection is closing). A browser that has left
   * {@link MAX_UNREAD_BYTES} unread is cut instead: its messages would otherwise pile up here.
   */
  send(message: ServerMessage): void {
    if (this.#phase !== 'ready' || this.#ws.readyState !== this.#ws.OPEN) return;
    if (this.#ws.bufferedAmount > MAX_UNREAD_BYTES) {
      this.#log.warn({ unreadBytes: this.#ws.bufferedAmount }, 'browser not reading: dropped');
      this.#ws.terminate(); // a close frame would wait behind what it does not read
      return;
    }
    this.#log.debug({ type: message.type }, 'to browser');
    this.#ws.send(encodeServerMessage(message));
  }

  /** The call's word on the codec this phone talks in: audio lengths are checked against it. */
  talkingIn(format: WireFormat | undefined): void {
    this.#talkingFormat = format;
    if (format !== undefined && format !== this.#lastFormat) this.#leftFormat = { format: this.#lastFormat, untilMs: Date.now() + FORMAT_CHANGE_GRACE_MS };
    if (format !== undefined) return void (this.#lastFormat = format);
    this.#out.flush(); // the call's last frames, held for a packet that will not fill
    // The call a lapsed token was allowed to finish is over (its `ended` is sent): now the session ends.
    if (this.#lifetime?.lapsed === true) queueMicrotask(() => this.#endLapsed());
  }

  /** Send audio. A browser that does not keep up loses frames rather than growing our memory; false then. */
  sendAudio(frames: Buffer): boolean {
    return this.#phase === 'ready' && this.#out.send(frames, this.#lastFormat);
  }

  /** Close with GOING_AWAY (1001): the SDK reconnects, to another node (draining). */
  goAway(reason: string): void {
    this.close('GOING_AWAY', reason);
  }

  /** Close this connection with one of our close codes and a short reason. */
  close(name: CloseName, reason: string): void {
    if (this.#phase === 'closed') return;
    this.#log.info({ code: CLOSE[name].code, reason }, 'closing browser connection');
    this.#closeNow(name, reason);
  }

  /** Close without a line of its own (a refusal that is logged sampled, by the caller). */
  #closeNow(name: CloseName, reason: string): void {
    closeSocket(this.#ws, CLOSE[name].code, reason);
    // Let go now: a peer that never answers the close frame must not keep ringing; its socket is
    // cut CLOSE_GRACE_MS later (net/ws-server.ts), not after ws's 30 s.
    this.#onClose(CLOSE[name].code);
  }

  #onMessage(data: Buffer, isBinary: boolean): void {
    if (this.#phase === 'closed') return;
    if (isBinary) return this.#onAudio(data);
    if (this.#phase === 'verifying') return this.close('BAD_MESSAGE', 'wait for welcome before sending');
    let message: ClientMessage;
    try {
      message = parseClientMessage(data.toString('utf8'));
    } catch (e) {
      return this.close('BAD_MESSAGE', e instanceof ProtocolError ? e.message : 'bad message');
    }
    if (this.#phase === 'hello') {
      if (message.type !== 'hello') return this.close('BAD_MESSAGE', 'the first message must be hello');
      this.#callNotices = message.features?.includes(CLIENT_FEATURES.CALL_NOTICES) === true;
      void this.#authenticate(message.token);
      return;
    }
    if (message.type === 'hello') return this.close('BAD_MESSAGE', 'hello sent twice');
    // Answered here, not routed: the SDK measures the round trip for its quality events.
    if (message.type === 'ping') return this.send({ type: 'pong', id: message.id });
    if (message.type === 'token') return void this.#refresh(message.token);
    if (message.type === 'dial' && this.#lifetime?.lapsed === true) {
      // Only a talking session outlives its token, to finish that call: it may start no other.
      return this.send({ type: 'dial_failed', requestId: message.requestId, code: 'not_enabled', message: 'token expired: log in again to dial' });
    }
    this.#log.debug({ type: message.type }, 'from browser');
    this.emit('message', message);
  }

  #onAudio(frames: Buffer): void {
    if (this.#phase !== 'ready') return this.close('BAD_MESSAGE', 'audio before welcome');
    // In a call: whole frames of its codec. Out of one: slin16 as ever, or the codec of the call
    // that just ended (the browser sent those frames before it heard of the end).
    const format = this.#talkingFormat ?? DEFAULT_WIRE_FORMAT;
    const count = wholeFramesOf(format, frames.length) || (this.#talkingFormat === undefined ? wholeFramesOf(this.#lastFormat, frames.length) : 0);
    if (count === 0) {
      // Frames of the call just left in another codec (a supervisor joined its next call at once): dropped, not an error.
      const left = this.#leftFormat;
      if (left !== undefined && wholeFramesOf(left.format, frames.length) > 0 && Date.now() < left.untilMs) return;
      return this.close('BAD_AUDIO_FRAME', `audio must be whole ${frameBytesOf(format)}-byte frames of ${format}, got ${frames.length} bytes`);
    }
    this.#out.stats.framesIn += count;
    this.emit('audio', frames);
  }

  async #authenticate(token: string): Promise<void> {
    this.#setPhase('verifying');
    clearTimeout(this.#helloTimer);
    try {
      const claims = await this.#options.verify(token);
      if (this.#phase !== 'verifying') return; // closed while verifying
      const place = this.#options.admit?.(claims.extension, token);
      if (place !== undefined && !place.ok) return this.#closeNow(place.close, place.reason);
      this.#releasePlace = place?.release;
      this.#extension = claims.extension;
      this.#claims = phoneClaimsOf(claims);
      this.#log = this.#log.child({ exten: claims.extension });
      this.#setPhase('ready');
      const features = this.#options.features?.({ extension: claims.extension, claims: this.#claims }) ?? [];
      this.send({
        type: 'welcome',
        protocol: 1,
        sessionId: this.id,
        extension: claims.extension,
        ...(features.length === 0 ? {} : { features: [...features] }),
        tokenExpiresAt: claims.expiresAtMs,
        packetMs: this.#options.packetMs ?? FRAME_MS,
      });
      this.#log.info({ ip: this.remoteAddress }, 'browser online');
      this.emit('ready');
      // After `ready`: a token already past its time (verified within the clock skew) ends a registered phone.
      if ((this.#phase as SessionPhase) === 'ready') this.#lifetime = new TokenLifetime(token, claims, (why) => this.#lapse(why));
    } catch (e) {
      if (!(e instanceof TokenError)) {
        this.#log.error({ err: e }, 'token verification crashed');
        return this.close('INTERNAL', 'internal error');
      }
      this.#log.warn({ reason: e.reason, ip: this.remoteAddress }, 'refused: token');
      this.#options.onAuthFailure?.(e.reason);
      this.close(e.reason === 'expired' ? 'TOKEN_EXPIRED' : 'TOKEN_INVALID', tokenRefusalReason(e.reason));
    }
  }

  /**
   * A fresh token (`token`): verified exactly as `hello`'s, and it must name the same extension.
   * Accepted, the session lives until its expiry; refused, the session closes with the code
   * `hello` would have got.
   */
  async #refresh(token: string): Promise<void> {
    const refresh = ++this.#refreshes;
    let claims: TokenClaims;
    try {
      claims = await this.#options.verify(token);
    } catch (e) {
      if (this.#phase !== 'ready') return;
      if (!(e instanceof TokenError)) {
        this.#log.error({ err: e }, 'token verification crashed');
        return this.close('INTERNAL', 'internal error');
      }
      this.#log.warn({ reason: e.reason, ip: this.remoteAddress }, 'refused: token refresh');
      this.#options.onAuthFailure?.(e.reason);
      return this.close(e.reason === 'expired' ? 'TOKEN_EXPIRED' : 'TOKEN_INVALID', tokenRefusalReason(e.reason));
    }
    if (this.#phase !== 'ready' || refresh !== this.#refreshes) return;
    if (claims.extension !== this.#extension) {
      this.#log.warn({ reason: 'claims', ip: this.remoteAddress }, 'refused: token refresh names another extension');
      this.#options.onAuthFailure?.('claims');
      return this.close('TOKEN_INVALID', tokenRefusalReason('claims'));
    }
    this.#lifetime?.renew(token, claims);
    this.#log.debug({ tokenExpiresAt: claims.expiresAtMs }, 'token refreshed');
    this.send({ type: 'token_accepted', tokenExpiresAt: claims.expiresAtMs });
  }

  /**
   * The token expired without a refresh, or a reload refused it: no new call rings here from now
   * on (`canTakeCall`). Idle, the session closes at once; the calls ringing it go on ringing the
   * other phones. Talking, it finishes the call and closes when the call ends.
   */
  #lapse(why: TokenLapse): void {
    if (this.#phase !== 'ready') return;
    const talking = this.#talkingFormat !== undefined;
    this.#log.info({ reason: why, talking }, why === 'expired' ? 'token expired: session ends' : 'token no longer verifies after reload: session ends');
    if (!talking) this.#endLapsed();
  }

  /** Close a session whose token lapsed (4101: the SDK reconnects with a fresh token). */
  #endLapsed(): void {
    if (this.#phase !== 'ready' || this.#lifetime?.lapsed !== true || this.#talkingFormat !== undefined) return;
    this.close('TOKEN_EXPIRED', 'token expired or revoked: log in again with a fresh token');
  }

  /** The only place the phase changes; an illegal move is our bug. */
  #setPhase(to: SessionPhase): void {
    if (!PHASES[this.#phase].includes(to)) throw new IllegalTransitionError(this.#phase, to);
    this.#phase = to;
  }

  /** The one place this connection lets go of its timers and listeners; runs once. */
  #onClose(code: number): void {
    if (this.#phase === 'closed') return;
    const wasReady = this.#phase === 'ready';
    this.#setPhase('closed');
    clearTimeout(this.#helloTimer);
    this.#stopHeartbeat();
    this.#lifetime?.dispose();
    this.#releasePlace?.();
    if (wasReady) this.#log.info({ code }, 'browser offline');
    this.emit('closed', code);
    this.removeAllListeners();
  }
}
