/**
 * The one way the gateway makes a WebSocket server (house style §8): `noServer` behind our own
 * `upgrade` handler (its checks run before any WebSocket exists), an explicit `maxPayload`, no
 * compression, and exactly one subprotocol accepted, written out rather than ws's default of
 * accepting the first one offered. Every socket is cut {@link CLOSE_GRACE_MS} after it is closed.
 * @packageDocumentation
 */
import { WebSocket, WebSocketServer } from 'ws';

/**
 * How long a socket the gateway closed may wait for the peer's close frame before it is cut. ws
 * waits 30 s (`closeTimeout`): a peer that never answers would hold the connection and its file
 * descriptor that long (issue 15), so a few hundred such peers could exhaust the fd limit.
 */
export const CLOSE_GRACE_MS = 1_000;

/** ws's socket, cut {@link CLOSE_GRACE_MS} after any close (ours, ws's own on bad frames, a peer's). */
class PromptlyClosingWebSocket extends WebSocket {
  #cutTimer: NodeJS.Timeout | undefined;

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
    WebSocket: PromptlyClosingWebSocket,
    handleProtocols: (protocols) => (protocols.has(subprotocol) ? subprotocol : false),
  });
}
