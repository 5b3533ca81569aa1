/**
 * The Asterisk side: a plain ws:// server (normally loopback) taking one WebSocket per call.
 * Checks in order, each refusal one warn line with `ip` and `reason`: IP allow-list (403), HTTP
 * Basic credentials when `asterisk_username` is set (401), no `Origin` (403: Asterisk never sends
 * one), subprotocol `media` offered (400); then the upgrade. The request line and headers must
 * arrive within `headersTimeoutMs`, so a half-sent upgrade cannot hold a socket.
 * @packageDocumentation
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocketServer } from 'ws';
import { CLOSE, MAX_ASTERISK_MESSAGE_BYTES } from '@gag/sdk/protocol';
import type { BasicAuth } from '../access/basic-auth.js';
import type { IpAcl } from '../access/ip-acl.js';
import type { Logger } from '../log.js';
import { offeredProtocols, queryOf, refuseUpgrade } from '../net/upgrade.js';
import { closeAllClients } from '../net/ws-close.js';
import { createWsServer } from '../net/ws-server.js';
import { AsteriskLeg } from './leg.js';

/** The subprotocol of `protocols = media` in websocket_client.conf. */
export const MEDIA_SUBPROTOCOL = 'media';
/** Default time for an upgrade's request line and headers (Asterisk sends them at once). */
export const ASTERISK_HEADERS_TIMEOUT_MS = 5_000;
/** The realm of the 401 challenge. */
const REALM = 'gag';

/** What the Asterisk side checks; read on every upgrade, so a reload applies to the next call. */
export interface AsteriskPolicy {
  readonly acl: IpAcl;
  /** Expected credentials; undefined when `asterisk_username` is not set. */
  readonly basicAuth: BasicAuth | undefined;
}

/** Why an upgrade was refused (the `reason` field of the warn line). */
export type AsteriskRefusal = 'ip_not_allowed' | 'credentials_missing' | 'credentials_wrong' | 'origin_present' | 'subprotocol_missing';

/** What the Asterisk listener needs: the current policy, a logger, and where new call sockets go. */
export interface AsteriskListenerOptions {
  readonly policy: () => AsteriskPolicy;
  readonly log: Logger;
  /** A call's socket is open; MEDIA_START has not arrived yet. */
  readonly onLeg: (leg: AsteriskLeg) => void;
  /** Default {@link ASTERISK_HEADERS_TIMEOUT_MS}. */
  readonly headersTimeoutMs?: number;
}

let nextConnId = 0;

/**
 * The server Asterisk dials (`uri` in websocket_client.conf).
 * @example
 * const listener = new AsteriskListener({ policy: () => ({ acl, basicAuth }), log, onLeg: (leg) => router.addLeg(leg) });
 * listener.server.listen(8765, '127.0.0.1');
 */
export class AsteriskListener {
  readonly server: Server;
  readonly #wss: WebSocketServer;
  readonly #options: AsteriskListenerOptions;

  constructor(options: AsteriskListenerOptions) {
    this.#options = options;
    this.#wss = createWsServer({ maxPayloadBytes: MAX_ASTERISK_MESSAGE_BYTES, subprotocol: MEDIA_SUBPROTOCOL });
    const headersTimeout = options.headersTimeoutMs ?? ASTERISK_HEADERS_TIMEOUT_MS;
    this.server = createServer(
      {
        headersTimeout,
        requestTimeout: headersTimeout * 2,
        // Node checks both timeouts only this often (default 30 s): keep the bound meaningful.
        connectionsCheckingInterval: Math.min(1_000, headersTimeout),
      },
      (_req, res) => {
        res.writeHead(426, { 'Content-Type': 'text/plain' }).end('chan_websocket endpoint: WebSocket upgrade required\n');
      },
    );
    this.server.on('upgrade', (req, socket, head) => this.#onUpgrade(req, socket, head));
  }

  #refuse(ip: string | undefined, reason: AsteriskRefusal): void {
    this.#options.log.warn({ ip, side: 'asterisk', reason }, 'asterisk connection refused');
  }

  #onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // Until ws takes the socket over, a reset must not become an uncaught 'error'.
    socket.on('error', () => socket.destroy());
    const policy = this.#options.policy();
    const ip = req.socket.remoteAddress;
    if (!policy.acl.allows(ip)) {
      this.#refuse(ip, 'ip_not_allowed');
      return refuseUpgrade(socket, 403, 'address not in allowed_asterisk_ips');
    }
    if (policy.basicAuth !== undefined) {
      const result = policy.basicAuth.check(req.headers.authorization);
      if (result !== 'ok') {
        this.#refuse(ip, result === 'missing' ? 'credentials_missing' : 'credentials_wrong');
        // res_websocket_client then retries per `reconnect_attempts`.
        return refuseUpgrade(socket, 401, 'Basic credentials required: set username and password in websocket_client.conf', {
          'WWW-Authenticate': `Basic realm="${REALM}", charset="UTF-8"`,
        });
      }
    }
    if (req.headers.origin !== undefined) {
      this.#refuse(ip, 'origin_present');
      return refuseUpgrade(socket, 403, 'browsers may not use the Asterisk port');
    }
    if (!offeredProtocols(req).includes(MEDIA_SUBPROTOCOL)) {
      this.#refuse(ip, 'subprotocol_missing');
      return refuseUpgrade(socket, 400, 'subprotocol "media" required (protocols = media in websocket_client.conf)');
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      const connId = `a${++nextConnId}`;
      this.#options.onLeg(new AsteriskLeg(ws, queryOf(req), this.#options.log.child({ side: 'asterisk', connId })));
    });
  }

  /** Close every call socket (1001) and stop listening. */
  async close(): Promise<void> {
    await closeAllClients(this.#wss, CLOSE.GOING_AWAY.code, 'gateway shutting down');
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
