/**
 * The one way the gateway makes a WebSocket server (house style §8): `noServer` behind our own
 * `upgrade` handler (its checks run before any WebSocket exists), an explicit `maxPayload`, no
 * compression, and exactly one subprotocol accepted, written out rather than ws's default of
 * accepting the first one offered. Every socket is cut {@link CLOSE_GRACE_MS} after it is closed,
 * and read by `binary-frames-in.ts` ahead of ws, so that audio skips ws's receiver.
 * @packageDocumentation
 */
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { readBinaryFramesFirst } from './binary-frames-in.js';

/**
 * How long a socket the gateway closed may wait for the peer's close frame before it is cut. ws
 * waits 30 s (`closeTimeout`): a peer that never answers would hold the connection and its file
 * descriptor that long (issue 15), so a few hundred such peers could exhaust the fd limit.
 */
export const CLOSE_GRACE_MS = 1_000;

/** ws's own `setSocket` (internal, called by the server once the upgrade is answered). */
type SetSocket = (this: WebSocket, socket: Duplex, head: Buffer, options: { maxPayload?: number }) => void;
const wsSetSocket = (WebSocket.prototype as unknown as { setSocket: SetSocket }).setSocket;

/**
 * ws's WebSocket, read by `binary-frames-in.ts` ahead of ws's receiver (audio without ws's
 * per-frame cost), and cut {@link CLOSE_GRACE_MS} after any close (ours, ws's own on bad frames, a peer's).
 */
class GatewayWebSocket extends WebSocket {
  #cutTimer: NodeJS.Timeout | undefined;

  /** ws attaches the socket here, synchronously before any byte is read: the one moment to read ahead of it. */
  setSocket(socket: Duplex, head: Buffer, options: { maxPayload?: number }): void {
    wsSetSocket.call(this, socket, head, options);
    readBinaryFramesFirst(this, socket, options.maxPayload ?? 0);
  }

  override close(code?: number, data?: string | Buffer): void {
    super.close(code, data);
    if (this.readyState !== WebSocket.CLOSING || this.#cutTimer !== undefined) return;
    this.#cutTimer = setTimeout(() => this.terminate(), CLOSE_GRACE_MS);
    this.once('close', () => clearTimeout(this.#cutTimer));
  }
}

/** What differs between the gateway's WebSocket servers. */
export interface WsServerOptions {
  /** Largest message a peer may send; past it ws closes with 1009. */
  readonly maxPayloadBytes: number;
  /** The subprotocol selected when offered; without it the upgrade completes with none. */
  readonly subprotocol: string;
}

/**
 * A `noServer` WebSocket server for `handleUpgrade`.
 * @example
 * const wss = createWsServer({ maxPayloadBytes: MAX_ASTERISK_MESSAGE_BYTES, subprotocol: 'media' });
 */
export function createWsServer(options: WsServerOptions): WebSocketServer {
  const { subprotocol } = options;
  return new WebSocketServer({
    noServer: true,
    maxPayload: options.maxPayloadBytes,
    perMessageDeflate: false,
    WebSocket: GatewayWebSocket,
    handleProtocols: (protocols) => (protocols.has(subprotocol) ? subprotocol : false),
  });
}
