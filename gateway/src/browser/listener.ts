/**
 * The browser side: an HTTP(S) server with the WebSocket endpoint `/phone` and the component
 * bundle. Checks before the upgrade, in GoAstGateway's order: IP allow-list (403), then Origin
 * (403, exact match, a missing Origin refused); `gag.v1` clients then send their token in
 * `hello`, so a refusal can carry a reason the page can read.
 * @packageDocumentation
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { MAX_CONTROL_MESSAGE_BYTES, PHONE_PATH, SUBPROTOCOL } from '@gag/sdk/protocol';
import type { IpAcl } from '../access/ip-acl.js';
import type { Assets } from '../http/assets.js';
import { offeredProtocols, pathOf, refuseUpgrade } from '../http/upgrade.js';
import type { Logger } from '../log.js';
import { BrowserSession } from './session.js';

/** Largest message a browser may send: a burst of audio frames or a control message. */
const MAX_BROWSER_MESSAGE_BYTES = Math.max(MAX_CONTROL_MESSAGE_BYTES, 32_000);
/** The request line and headers of an upgrade must arrive within this time (slowloris). */
const HEADERS_TIMEOUT_MS = 5_000;

export interface BrowserListenerOptions {
  /** What the browser side checks, read on every upgrade so a reload applies at once. */
  readonly policy: () => { acl: IpAcl; allowedOrigins: readonly string[]; secret: string };
  readonly tls: { cert: Buffer; key: Buffer } | undefined;
  readonly assets: Assets;
  readonly log: Logger;
  readonly heartbeatIntervalMs?: number;
  /** A `gag.v1` connection is open (not yet authenticated). */
  readonly onSession: (session: BrowserSession) => void;
}

let nextConnId = 0;

export class BrowserListener {
  readonly server: Server;
  readonly #wss: WebSocketServer;
  readonly #options: BrowserListenerOptions;

  constructor(options: BrowserListenerOptions) {
    this.#options = options;
    this.#wss = new WebSocketServer({
      noServer: true,
      maxPayload: MAX_BROWSER_MESSAGE_BYTES,
      perMessageDeflate: false,
      handleProtocols: (protocols) => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
    });
    const handler = (req: IncomingMessage, res: ServerResponse): void => this.#onRequest(req, res);
    this.server = options.tls === undefined ? createHttpServer(handler) : createHttpsServer(options.tls, handler);
    this.server.headersTimeout = HEADERS_TIMEOUT_MS;
    this.server.requestTimeout = HEADERS_TIMEOUT_MS * 2;
    this.server.on('upgrade', (req, socket, head) => this.#onUpgrade(req, socket, head));
  }

  #onRequest(req: IncomingMessage, res: ServerResponse): void {
    const path = pathOf(req);
    if (this.#options.assets.handle(req, res, path)) return;
    if (path === '/healthz') {
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok\n');
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
  }

  #onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const { log } = this.#options;
    const policy = this.#options.policy();
    const ip = req.socket.remoteAddress;
    const path = pathOf(req); // never req.url: the legacy URL carries the token
    if (path !== PHONE_PATH) return refuseUpgrade(socket, 404, `the phone endpoint is ${PHONE_PATH}`);
    if (!policy.acl.allows(ip)) {
      log.warn({ ip, side: 'browser' }, 'refused: ip not allowed');
      return refuseUpgrade(socket, 403, 'address not in allowed_browser_ips');
    }
    const origin = req.headers.origin;
    if (origin === undefined || !policy.allowedOrigins.includes(origin)) {
      log.warn({ ip, origin, side: 'browser' }, 'refused: origin not allowed');
      return refuseUpgrade(socket, 403, 'origin not in allowed_origins');
    }
    if (!offeredProtocols(req).includes(SUBPROTOCOL)) {
      // TODO(#4): GoAstGateway's legacy protocol (/phone?token=…, no subprotocol).
      log.warn({ ip, side: 'browser' }, 'refused: legacy protocol');
      return refuseUpgrade(socket, 400, `subprotocol ${SUBPROTOCOL} required`);
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      const session = new BrowserSession(ws, {
        secret: policy.secret,
        log: log.child({ side: 'browser', connId: `b${++nextConnId}` }),
        remoteAddress: ip,
        userAgent: req.headers['user-agent'],
        ...(this.#options.heartbeatIntervalMs === undefined ? {} : { heartbeatIntervalMs: this.#options.heartbeatIntervalMs }),
      });
      this.#options.onSession(session);
    });
  }

  /** Close every browser (1001: the SDK reconnects) and stop listening. */
  async close(): Promise<void> {
    for (const ws of this.#wss.clients) ws.close(1001, 'gateway shutting down');
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
    for (const ws of this.#wss.clients) ws.terminate();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
