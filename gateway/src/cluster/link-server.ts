/**
 * Node links in and out (issue 17): the listener other nodes dial (`cluster.link_listen`), which
 * checks each upgrade's path, subprotocol and {@link verifyLinkAuthorization} before any
 * WebSocket exists, and the dialer this node uses to reach another.
 * @packageDocumentation
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { EventEmitter } from 'eventemitter3';
import { WebSocket } from 'ws';
import type { Logger } from '../log.js';
import { offeredProtocols, pathOf, refuseUpgrade } from '../net/upgrade.js';
import { createWsServer } from '../net/ws-server.js';
import { NODE_LINK_PATH, NODE_LINK_SUBPROTOCOL, NODE_STARTED_HEADER, linkAuthorization, startedAtOf, verifyLinkAuthorization } from './link-auth.js';
import { NodeLink } from './node-link.js';

/** Largest message on a link: a channel number and a packet of audio. */
export const MAX_LINK_MESSAGE_BYTES = 65_536;
/** How long dialing a node may take. */
export const LINK_DIAL_TIMEOUT_MS = 3_000;

/** Who this node is, and the cluster's secret. */
export interface LinkIdentity {
  readonly self: string;
  readonly secret: string;
  readonly log: Logger;
  /** When this node's process started (sent to the peer: {@link NODE_STARTED_HEADER}). */
  readonly startedAt?: number;
}

/** Events of a {@link NodeLinkServer}. */
export interface NodeLinkServerEvents {
  /** Another node opened a link to this one. */
  link: (link: NodeLink) => void;
}

/**
 * The listener for other nodes' links.
 * @example
 * const links = new NodeLinkServer({ self: 'gw-b', secret, log });
 * links.on('link', (link) => pool.adopt(link));
 * await links.listen('10.0.0.6', 9100);
 */
export class NodeLinkServer extends EventEmitter<NodeLinkServerEvents> {
  readonly #identity: LinkIdentity;
  readonly #http: Server;
  readonly #wss = createWsServer({ maxPayloadBytes: MAX_LINK_MESSAGE_BYTES, subprotocol: NODE_LINK_SUBPROTOCOL });
  /** Upgrades refused, by reason (for /metrics). */
  readonly refused = new Map<string, number>();

  constructor(identity: LinkIdentity) {
    super();
    this.#identity = identity;
    this.#http = createServer((_req, res) => res.writeHead(426, { connection: 'close' }).end('node links only\n'));
    this.#http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.#upgrade(req, socket, head));
    const startedAt = identity.startedAt;
    if (startedAt !== undefined) this.#wss.on('headers', (headers) => headers.push(`${NODE_STARTED_HEADER}: ${startedAt}`));
  }

  /** Listen on `host:port` (0: any free port); resolves with the port. */
  async listen(host: string, port: number): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.#http.once('error', reject);
      this.#http.listen(port, host, () => (this.#http.off('error', reject), resolve()));
    });
    return (this.#http.address() as AddressInfo).port;
  }

  /** Stop listening and close every link accepted. */
  async close(): Promise<void> {
    for (const ws of this.#wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.#http.close(() => resolve()));
  }

  #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    if (pathOf(req) !== NODE_LINK_PATH) return this.#refuse(socket, 404, 'path', 'not found');
    if (!offeredProtocols(req).includes(NODE_LINK_SUBPROTOCOL)) return this.#refuse(socket, 400, 'subprotocol', `subprotocol ${NODE_LINK_SUBPROTOCOL} required`);
    const auth = verifyLinkAuthorization(req.headers.authorization, this.#identity.secret, this.#identity.self);
    if (!auth.ok) return this.#refuse(socket, 401, auth.why, 'node link refused');
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      this.#identity.log.info({ peerNode: auth.from }, 'node link accepted');
      this.emit('link', new NodeLink(ws, socket, auth.from, this.#identity.log, startedAtOf(req.headers[NODE_STARTED_HEADER])));
    });
  }

  #refuse(socket: Duplex, status: number, why: string, message: string): void {
    this.refused.set(why, (this.refused.get(why) ?? 0) + 1);
    this.#identity.log.warn({ why }, 'node link upgrade refused');
    refuseUpgrade(socket, status, message);
  }
}

/**
 * Open a link to node `peer` at `address` (`host:port` of its link listener).
 * @throws Error when the node cannot be reached or refuses (the message says which) within {@link LINK_DIAL_TIMEOUT_MS}.
 * @example const link = await dialNodeLink({ self: 'gw-a', secret, log }, 'gw-b', '10.0.0.6:9100');
 */
export function dialNodeLink(identity: LinkIdentity, peer: string, address: string): Promise<NodeLink> {
  const ws = new WebSocket(`ws://${address}${NODE_LINK_PATH}`, NODE_LINK_SUBPROTOCOL, {
    headers: { authorization: linkAuthorization(identity.secret, identity.self, peer), ...(identity.startedAt === undefined ? {} : { [NODE_STARTED_HEADER]: String(identity.startedAt) }) },
    perMessageDeflate: false,
    maxPayload: MAX_LINK_MESSAGE_BYTES,
    handshakeTimeout: LINK_DIAL_TIMEOUT_MS,
    // No masking key (all zeros: ws then neither copies nor XORs the payload). Masking guards a
    // browser's messages against proxies that cache; a link is node to node, authenticated.
    generateMask: () => undefined,
  });
  let socket: Duplex | undefined;
  let peerStartedAt: number | undefined;
  ws.once('upgrade', (res) => {
    socket = res.socket;
    peerStartedAt = startedAtOf(res.headers[NODE_STARTED_HEADER]);
  });
  return new Promise<NodeLink>((resolve, reject) => {
    const fail = (why: string): void => {
      ws.terminate();
      reject(new Error(`node link to ${peer} at ${address}: ${why}`));
    };
    ws.once('unexpected-response', (_req, res) => fail(`refused with HTTP ${res.statusCode ?? '?'}`));
    ws.once('error', (err) => fail(err.message));
    ws.once('open', () => {
      ws.removeAllListeners('error');
      // ws emits `upgrade` (the response, on the socket it then runs on) before `open`.
      if (socket === undefined) return fail('no socket after the upgrade');
      resolve(new NodeLink(ws, socket, peer, identity.log, peerStartedAt));
    });
  });
}
