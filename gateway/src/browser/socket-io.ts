/**
 * Socket rules every browser connection follows, whatever protocol it speaks (`gag.v1` in
 * `session.ts`, GoAstGateway's words in `legacy.ts`): the heartbeat that finds a half-open peer,
 * and the audio backlog limit (late audio is worse than lost audio).
 * @packageDocumentation
 */
import { WebSocket } from 'ws';
import { DEFAULT_WIRE_FORMAT, FRAME_MS, frameBytesOf, type WireFormat } from '@gag/sdk/protocol';

/** A browser that has not read this much audio loses the newest frames (those queued are still sent). */
export const MAX_BROWSER_BACKLOG_MS = 200;
/** {@link MAX_BROWSER_BACKLOG_MS} of audio in `format`, in bytes. @example backlogBytesOf('ulaw') // 1600 */
export const backlogBytesOf = (format: WireFormat): number => (MAX_BROWSER_BACKLOG_MS / FRAME_MS) * frameBytesOf(format);
const MAX_BROWSER_BACKLOG_BYTES = backlogBytesOf(DEFAULT_WIRE_FORMAT);
/** Ping interval; a peer that has not answered the previous ping by the next one is dropped (half-open within 30 s). */
export const HEARTBEAT_INTERVAL_MS = 15_000;

/** The audio counters a browser connection keeps (a subset of `Phone['stats']`). */
export interface AudioOutStats {
  framesOut: number;
  framesDroppedBacklog: number;
}

/**
 * Send whole frames to a browser, or drop them (and count it) when the browser already has more
 * than `maxBacklogBytes` unread (default: `MAX_BROWSER_BACKLOG_MS` of slin16): its memory and ours stay bounded.
 * @example
 * sendAudioOrDrop(ws, frames, this.stats);
 */
export function sendAudioOrDrop(ws: WebSocket, frames: Buffer, stats: AudioOutStats, maxBacklogBytes = MAX_BROWSER_BACKLOG_BYTES): void {
  if (ws.bufferedAmount > maxBacklogBytes) {
    stats.framesDroppedBacklog++;
    return;
  }
  stats.framesOut++;
  ws.send(frames, { binary: true });
}

/** Options of {@link startHeartbeat}. */
export interface HeartbeatOptions {
  /** Ping interval; default `HEARTBEAT_INTERVAL_MS`. */
  readonly intervalMs?: number | undefined;
  /** Called once, just before a peer that missed a pong is terminated. */
  readonly onLost: () => void;
}

/**
 * Ping `ws` every interval and terminate it when the previous ping got no pong, as in ws's README
 * ("How to detect and close broken connections"). A socket still closing at a beat (the peer never
 * answered our close frame) is terminated too. Returns the function that stops the heartbeat and
 * removes its listener; call it from the connection's `close` handler.
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
