/**
 * A round trip through a WebSocket peer, to wait for "the peer has read everything I sent"
 * without a sleep: a ping goes behind what was sent, and the peer's pong comes back only after
 * it has read (and, in ws, handled) every message before it.
 */
import type WebSocket from 'ws';

/**
 * Resolves once the peer has read everything sent on `ws` so far: its pong to a ping came back,
 * or the socket closed (the peer closed it, having read up to its reason). Rejects after
 * `timeoutMs`. For a socket whose reading side is paused, use the peer's own events instead.
 *
 * @example
 * rogue.text('MEDIA_XOFF');
 * await roundTrip(rogue.ws); // the gateway has handled MEDIA_XOFF
 */
export function roundTrip(ws: WebSocket, timeoutMs = 2_000): Promise<void> {
  if (ws.readyState !== ws.OPEN) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = (error?: Error): void => {
      clearTimeout(timer);
      ws.off('pong', settle);
      ws.off('close', settle);
      if (error === undefined) resolve();
      else reject(error);
    };
    const settle = (): void => done();
    const timer = setTimeout(() => done(new Error(`no pong and no close within ${timeoutMs} ms`)), timeoutMs);
    ws.on('pong', settle);
    ws.on('close', settle);
    ws.ping();
  });
}
