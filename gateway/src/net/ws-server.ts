/**
 * The one way the gateway makes a WebSocket server (house style §8): `noServer` behind our own
 * `upgrade` handler (its checks run before any WebSocket exists), an explicit `maxPayload`, no
 * compression, and exactly one subprotocol accepted, written out rather than ws's default of
 * accepting the first one offered.
 * @packageDocumentation
 */
import { WebSocketServer } from 'ws';

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
    handleProtocols: (protocols) => (protocols.has(subprotocol) ? subprotocol : false),
  });
}
