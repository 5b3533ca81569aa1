/**
 * The heartbeat every server-side WebSocket of the gateway keeps (browsers, legacy webphones,
 * monitor dashboards), as in ws's README ("How to detect and close broken connections"): a
 * half-open peer is found within two intervals.
 * @packageDocumentation
 */
import { WebSocket } from 'ws';

/** Ping interval; a peer that has not answered the previous ping by the next one is dropped (half-open within 30 s). */
export const HEARTBEAT_INTERVAL_MS = 15_000;

/** Options of {@link startHeartbeat}. */
export interface HeartbeatOptions {
  /** Ping interval; default `HEARTBEAT_INTERVAL_MS`. */
  readonly intervalMs?: number | undefined;
  /** Called once, just before a peer that missed a pong is terminated. */
  readonly onLost: () => void;
}

/**
 * Ping `ws` every interval and terminate it when the previous ping got no pong. A socket still
 * closing at a beat (the peer never answered our close frame) is terminated too. Returns the
 * function that stops the heartbeat and removes its listener; call it from the connection's
 * `close` handler.
 * @example
 * const stopHeartbeat = startHeartbeat(ws, { intervalMs, onLost: () => log.info('heartbeat lost') });
 * ws.once('close', stopHeartbeat);
 */
export function startHeartbeat(ws: WebSocket, options: HeartbeatOptions): () => void {
  let alive = true;
  const onPong = (): void => {
    alive = true;
  };
  ws.on('pong', onPong);
  const timer = setInterval(() => {
    if (!alive || ws.readyState === WebSocket.CLOSING) {
      stop();
      options.onLost();
      ws.terminate();
      return;
    }
    alive = false;
    ws.ping();
  }, options.intervalMs ?? HEARTBEAT_INTERVAL_MS);
  function stop(): void {
    clearInterval(timer);
    ws.off('pong', onPong);
  }
  return stop;
}
