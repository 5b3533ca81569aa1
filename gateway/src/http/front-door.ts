/**
 * The browser-facing HTTP(S) server, above every feature it hosts: the component bundle
 * (`assets.ts`), the operations API (`routes.ts`), the live monitor's upgrade at `/monitor`, and
 * the phone endpoint `/phone` (handed to the browser listener, which checks the IP, token and
 * Origin and speaks gag.v1 or GoAstGateway's legacy protocol).
 * @packageDocumentation
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { PHONE_PATH } from '@gag/sdk/protocol';
import { pathOf, refuseUpgrade } from '../net/upgrade.js';
import type { Assets } from './assets.js';
import { MONITOR_PATH } from './monitor.js';

/** The request line and headers of a request or upgrade must arrive within this time (slowloris). */
const HEADERS_TIMEOUT_MS = 5_000;

/** Something that takes WebSocket upgrades on its path. */
export interface UpgradeHandler {
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
}

/** What the front door hosts. */
export interface FrontDoorOptions {
  readonly tls: { cert: Buffer; key: Buffer } | undefined;
  readonly assets: Assets;
  /** The phone endpoint ({@link PHONE_PATH}): the browser listener. */
  readonly phones: UpgradeHandler;
  /** The operations API (`/healthz`, `/readyz`, `/api/…`, `/metrics`); returns false for other paths. */
  readonly routes?: { handle(req: IncomingMessage, res: ServerResponse, path: string): boolean };
  /** The live monitor, upgraded at {@link MONITOR_PATH}; it checks its own admin token. */
  readonly monitor?: UpgradeHandler;
}

/**
 * The browser listener's HTTP(S) server: `/phone` and `/monitor` upgrades, `/gag-phone.js`, the API, `/healthz`.
 * @example
 * const door = new FrontDoor({ tls: undefined, assets: new Assets(), phones: browserListener, routes, monitor });
 * door.server.listen(8766, '127.0.0.1');
 */
export class FrontDoor {
  readonly server: Server;
  readonly #options: FrontDoorOptions;

  constructor(options: FrontDoorOptions) {
    this.#options = options;
    const handler = (req: IncomingMessage, res: ServerResponse): void => this.#onRequest(req, res);
    // Timeouts at creation: Node checks them every connectionsCheckingInterval (30 s by default).
    const timeouts = { headersTimeout: HEADERS_TIMEOUT_MS, requestTimeout: HEADERS_TIMEOUT_MS * 2, connectionsCheckingInterval: 1_000 };
    this.server = options.tls === undefined ? createHttpServer(timeouts, handler) : createHttpsServer({ ...options.tls, ...timeouts }, handler);
    this.server.on('upgrade', (req, socket, head) => this.#onUpgrade(req, socket, head));
  }

  #onRequest(req: IncomingMessage, res: ServerResponse): void {
    const path = pathOf(req);
    if (this.#options.assets.handle(req, res, path)) return;
    if (this.#options.routes?.handle(req, res, path) === true) return;
    if (path === '/healthz') {
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok\n');
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
  }

  #onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = pathOf(req); // never req.url: the legacy URL carries the token
    if (path === MONITOR_PATH && this.#options.monitor !== undefined) return this.#options.monitor.upgrade(req, socket, head);
    if (path !== PHONE_PATH) return refuseUpgrade(socket, 404, `the phone endpoint is ${PHONE_PATH}`);
    this.#options.phones.upgrade(req, socket, head);
  }

  /** Stop listening, once the hosted WebSocket endpoints have closed their clients. */
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
