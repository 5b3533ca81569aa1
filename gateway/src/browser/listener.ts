/**
 * The browser side: the WebSocket endpoint `/phone`, upgraded here once the front door
 * (`http/front-door.ts`) has matched the path. Two protocols share it, told apart by the subprotocol:
 * - `gag.v1` (offered): IP allow-list (403), then Origin (403, exact match, a missing Origin
 *   refused); the client then sends its token in `hello`, so a refusal can carry a reason the
 *   page can read.
 * - legacy (not offered): GoAstGateway's webphone, checked in GoAstGateway's order
 *   (docs/legacy-protocol.md#login): IP (403), the token in `?token=` (401), Origin (403).
 * @packageDocumentation
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocketServer } from 'ws';
import { CLOSE, MAX_CONTROL_MESSAGE_BYTES, SUBPROTOCOL, type PacketMs } from '@gag/sdk/protocol';
import type { IpAcl } from '../access/ip-acl.js';
import type { TokenClaims, TokenVerifier } from '../access/token.js';
import { TokenError } from '../errors.js';
import type { Logger } from '../log.js';
import { offeredProtocols, queryOf, refuseUpgrade } from '../net/upgrade.js';
import { closeAllClients } from '../net/ws-close.js';
import { createWsServer } from '../net/ws-server.js';
import { SampledWarn } from '../sampled-log.js';
import { Admission, type ConnectionLimit, type LimitsConfig } from './admission.js';
import { LegacySession, refuseBusy } from './legacy.js';
import { phoneClaimsOf, type Phone } from './phone.js';
import type { Registry } from './registration.js';
import { BrowserSession, type SessionLogin } from './session.js';

/** Largest message a browser may send: a burst of audio frames or a control message. */
const MAX_BROWSER_MESSAGE_BYTES = Math.max(MAX_CONTROL_MESSAGE_BYTES, 32_000);

/** What the browser side checks, read on every upgrade so a reload applies at once. */
export interface BrowserPolicy {
  readonly acl: IpAcl;
  readonly allowedOrigins: readonly string[];
  /** Checks a token against the whole config (`jwt_algorithms`, keys, `jwt_issuer`, `jwt_audience`). */
  readonly verify: TokenVerifier;
  /** Connections before login and sessions per extension and per token (browser/admission.ts). */
  readonly limits: LimitsConfig;
  /** Audio per message with gag.v1 browsers (`browser_packet_ms`), for sessions opened from now on. */
  readonly packetMs: PacketMs;
}

/** What the browser listener needs: the current policy and where new phones go. */
export interface BrowserListenerOptions {
  readonly policy: () => BrowserPolicy;
  readonly log: Logger;
  readonly heartbeatIntervalMs?: number;
  /** Who is online, for the legacy rule "one connection per extension" (a second legacy login gets `BUSY`). */
  readonly registry: Pick<Registry, 'legacyOnline' | 'phonesFor'>;
  /**
   * A connection is open. A `gag.v1` session is not yet authenticated (`ready` follows its
   * `hello`); a legacy one was authenticated before the upgrade and fires `ready` as soon as this
   * returns, so attach the `ready` listener synchronously.
   */
  readonly onPhone: (phone: Phone) => void;
  /** A browser was refused before or at login: `ip_not_allowed`, `origin_not_allowed` or a token refusal reason. */
  readonly onRefused?: (reason: string) => void;
  /** A connection was refused by a limit (counted in `/metrics`; logged as one sampled line). */
  readonly onLimit?: (limit: ConnectionLimit) => void;
  /** Optional features `welcome` lists (e.g. `dial` when click-to-call is on). */
  readonly features?: (login: SessionLogin) => readonly string[];
}

let nextConnId = 0;

/**
 * The `/phone` endpoint: gag.v1 or legacy upgrades, checked in order, each becoming a {@link Phone}.
 * @example
 * const listener = new BrowserListener({ policy, registry, log, onPhone });
 * const door = new FrontDoor({ tls: undefined, assets: new Assets(), phones: listener });
 */
export class BrowserListener {
  readonly #wss: WebSocketServer;
  readonly #options: BrowserListenerOptions;
  /** Set by close(): a legacy upgrade still checking its token is then refused with 503. */
  #closing = false;
  /** Set by drain(): new browsers are refused with 503, so they log in on another node. */
  #draining = false;
  readonly #admission: Admission;
  /** One warn line per interval for every limit refusal, never one per refusal. */
  readonly #limitLog: SampledWarn;

  constructor(options: BrowserListenerOptions) {
    this.#options = options;
    this.#admission = new Admission(() => options.policy().limits);
    this.#limitLog = new SampledWarn(options.log.child({ side: 'browser' }), 'connections refused: limit');
    this.#wss = createWsServer({ maxPayloadBytes: MAX_BROWSER_MESSAGE_BYTES, subprotocol: SUBPROTOCOL });
  }

  /** An upgrade at the phone endpoint (the front door matched the path). */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const { log } = this.#options;
    const policy = this.#options.policy();
    const ip = req.socket.remoteAddress;
    if (this.#draining) return refuseUpgrade(socket, 503, 'gateway draining: log in on another node', { 'Retry-After': '1' });
    if (!policy.acl.allows(ip)) {
      this.#options.onRefused?.('ip_not_allowed');
      log.warn({ ip, side: 'browser' }, 'refused: ip not allowed');
      return refuseUpgrade(socket, 403, 'address not in allowed_browser_ips');
    }
    // Without our subprotocol the client is GoAstGateway's webphone (docs/legacy-protocol.md#connection).
    if (!offeredProtocols(req).includes(SUBPROTOCOL)) return void this.#upgradeLegacy(req, socket, head, policy);
    if (!this.#originAllowed(req, policy)) return refuseUpgrade(socket, 403, 'origin not in allowed_origins');
    const pending = this.#admitPending(socket, ip);
    if (pending === undefined) return;
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      const phone = new BrowserSession(ws, {
        // The current policy's, so a refreshed token (and a late hello) is checked after a reload as a new login would be.
        verify: (token) => this.#options.policy().verify(token),
        log: log.child({ side: 'browser', connId: `b${++nextConnId}` }),
        remoteAddress: ip,
        userAgent: req.headers['user-agent'],
        ...(this.#options.heartbeatIntervalMs === undefined ? {} : { heartbeatIntervalMs: this.#options.heartbeatIntervalMs }),
        ...(this.#options.features === undefined ? {} : { features: this.#options.features }),
        packetMs: policy.packetMs,
        ...(this.#options.onRefused === undefined ? {} : { onAuthFailure: this.#options.onRefused }),
        admit: (extension, token) => {
          const place = this.#admission.admitSession(token, this.#options.registry.phonesFor(extension).length);
          if (place.ok) return place;
          this.#limited(place.limit, ip, extension);
          return place.limit === 'sessions_per_extension'
            ? { ok: false, close: 'EXTENSION_FULL', reason: `extension ${extension} has ${policy.limits.max_sessions_per_extension} sessions online (max_sessions_per_extension)` }
            : { ok: false, close: 'TOKEN_IN_USE', reason: `this token holds ${policy.limits.max_sessions_per_token} sessions (max_sessions_per_token): one token per device` };
        },
      });
      phone.once('ready', pending).once('closed', pending);
      this.#options.onPhone(phone);
    });
  }

  /** Connections that have not logged in yet (gag.v1 before `welcome`, legacy while its token is checked). */
  get pending(): number {
    return this.#admission.pending;
  }

  /**
   * A place for a connection that has not logged in, or undefined once the upgrade was refused:
   * HTTP 503 when the gateway has `max_pending_connections`, 429 when this address has `max_pending_per_ip`.
   */
  #admitPending(socket: Duplex, ip: string | undefined): (() => void) | undefined {
    const place = this.#admission.admitPending(ip);
    if (place.ok) {
      // ws may refuse the upgrade itself (a bad key or version, a closing server, a half-closed
      // socket) without ever making a session: the socket's end gives the slot back then too.
      socket.once('close', place.release);
      return place.release;
    }
    this.#limited(place.limit, ip, undefined);
    if (place.limit === 'pending_total') refuseUpgrade(socket, 503, 'too many connections waiting to log in: try again shortly', { 'Retry-After': '5' });
    else refuseUpgrade(socket, 429, 'too many connections from this address waiting to log in (max_pending_per_ip)', { 'Retry-After': '5' });
    return undefined;
  }

  #limited(limit: ConnectionLimit, ip: string | undefined, exten: string | undefined): void {
    this.#options.onLimit?.(limit);
    this.#limitLog.count(limit, exten === undefined ? { ip } : { ip, exten });
  }

  /** Exact match against `allowed_origins`; a missing Origin is refused. Logs the refusal. */
  #originAllowed(req: IncomingMessage, policy: BrowserPolicy): boolean {
    const origin = req.headers.origin;
    if (origin !== undefined && policy.allowedOrigins.includes(origin)) return true;
    this.#options.onRefused?.('origin_not_allowed');
    this.#options.log.warn({ ip: req.socket.remoteAddress, origin, side: 'browser' }, 'refused: origin not allowed');
    return false;
  }

  /**
   * The legacy webphone: token from `?token=` (401), then Origin (403), then the upgrade, then the
   * one-per-extension rule (`BUSY`, which needs the WebSocket). The IP was checked by the caller.
   */
  async #upgradeLegacy(req: IncomingMessage, socket: Duplex, head: Buffer, policy: BrowserPolicy): Promise<void> {
    const { log } = this.#options;
    const ip = req.socket.remoteAddress;
    // Node's HTTP server stops watching an upgraded socket: until ws takes it, a reset would be an
    // unhandled 'error' (a crash). The listener stays on a refused socket, which is destroyed.
    const onSocketError = (err: Error): void => log.debug({ ip, err: err.message, side: 'browser' }, 'upgrade socket error');
    socket.on('error', onSocketError);
    const pending = this.#admitPending(socket, ip);
    if (pending === undefined) return;
    let claims: TokenClaims;
    try {
      claims = await policy.verify(queryOf(req).get('token') ?? undefined);
    } catch (e) {
      if (!(e instanceof TokenError)) {
        log.error({ err: e, side: 'browser' }, 'token verification crashed');
        return refuseUpgrade(socket, 500, 'internal error');
      }
      this.#options.onRefused?.(e.reason);
      log.warn({ ip, reason: e.reason, side: 'browser', protocol: 'legacy' }, 'refused: token');
      return refuseUpgrade(socket, 401, e.message);
    } finally {
      pending(); // logged in or refused: no longer waiting
    }
    // The client may have given up while the token was checked: nothing is left to answer.
    if (socket.destroyed || !socket.writable) {
      log.debug({ ip, side: 'browser' }, 'upgrade abandoned by the client');
      return void socket.destroy();
    }
    if (this.#closing) return refuseUpgrade(socket, 503, 'gateway shutting down'); // as ws does when closing
    if (!this.#originAllowed(req, policy)) return refuseUpgrade(socket, 403, 'origin not in allowed_origins');
    socket.off('error', onSocketError); // ws watches the socket from here on
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      const { extension } = claims;
      const phoneLog = log.child({ side: 'browser', connId: `b${++nextConnId}`, exten: extension });
      // Checked and registered in this one tick (start() → ready → registry), so two logins racing cannot both pass.
      if (this.#options.registry.legacyOnline(extension)) return refuseBusy(ws, phoneLog);
      const phone = new LegacySession(ws, {
        extension,
        claims: phoneClaimsOf(claims),
        log: phoneLog,
        remoteAddress: ip,
        userAgent: req.headers['user-agent'],
        heartbeatIntervalMs: this.#options.heartbeatIntervalMs,
        token: queryOf(req).get('token') ?? '',
        tokenExpiresAtMs: claims.expiresAtMs,
      });
      this.#options.onPhone(phone);
      phone.start();
    });
  }

  /** Close every browser (1001: the SDK reconnects); an upgrade still checking its token gets 503. */
  /** Refuse new browsers from now on (draining for a rolling upgrade, docs/cluster.md). */
  drain(): void {
    this.#draining = true;
  }

  async close(): Promise<void> {
    this.#closing = true;
    this.#limitLog.close();
    await closeAllClients(this.#wss, CLOSE.GOING_AWAY.code, 'gateway shutting down');
  }
}
