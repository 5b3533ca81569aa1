/**
 * The Asterisk side: a plain ws:// server (normally loopback) taking one WebSocket per call.
 * Checks in order: IP allow-list (403), no `Origin` (403: Asterisk never sends one),
 * subprotocol `media` offered (400); then the upgrade.
 * @packageDocumentation
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { MAX_ASTERISK_MESSAGE_BYTES } from '@gag/sdk/protocol';
import type { IpAcl } from '../access/ip-acl.js';
import type { Logger } from '../log.js';
import { offeredProtocols, queryOf, refuseUpgrade } from '../http/upgrade.js';
import { AsteriskLeg } from './leg.js';

/** The subprotocol of `protocols = media` in websocket_client.conf. */
export const MEDIA_SUBPROTOCOL = 'media';

export interface AsteriskListenerOptions {
  /** The current allow-list (read on each upgrade, so a reload applies to new calls). */
  readonly acl: () => IpAcl;
  readonly log: Logger;
  /** A call's socket is open; MEDIA_START has not arrived yet. */
  readonly onLeg: (leg: AsteriskLeg) => void;
}

let nextConnId = 0;

export class AsteriskListener {
  readonly server: Server;
  readonly #wss: WebSocketServer;
  readonly #options: AsteriskListenerOptions;

  constructor(options: AsteriskListenerOptions) {
    this.#options = options;
    this.#wss = new WebSocketServer({
      noServer: true,
      maxPayload: MAX_ASTERISK_MESSAGE_BYTES,
      perMessageDeflate: false,
      handleProtocols: (protocols) => (protocols.has(MEDIA_SUBPROTOCOL) ? MEDIA_SUBPROTOCOL : false),
    });
    this.server = createServer((_req, res) => {
      res.writeHead(426, { 'Content-Type': 'text/plain' }).end('chan_websocket endpoint: WebSocket upgrade required\n');
    });
    this.server.on('upgrade', (req, socket, head) => this.#onUpgrade(req, socket, head));
  }

  #onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const { log } = this.#options;
    const ip = req.socket.remoteAddress;
    if (!this.#options.acl().allows(ip)) {
      log.warn({ ip, side: 'asterisk' }, 'refused: ip not allowed');
      return refuseUpgrade(socket, 403, 'address not in allowed_asterisk_ips');
    }
    if (req.headers.origin !== undefined) {
      log.warn({ ip, side: 'asterisk' }, 'refused: origin header on asterisk port');
      return refuseUpgrade(socket, 403, 'browsers may not use the Asterisk port');
    }
    if (!offeredProtocols(req).includes(MEDIA_SUBPROTOCOL)) {
      log.warn({ ip, side: 'asterisk' }, 'refused: subprotocol media not offered');
      return refuseUpgrade(socket, 400, 'subprotocol "media" required (protocols = media in websocket_client.conf)');
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      const connId = `a${++nextConnId}`;
      this.#options.onLeg(new AsteriskLeg(ws, queryOf(req), log.child({ side: 'asterisk', connId })));
    });
  }

  /** Close every call socket (1001) and stop listening. */
  async close(): Promise<void> {
    for (const ws of this.#wss.clients) ws.close(1001, 'gateway shutting down');
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
