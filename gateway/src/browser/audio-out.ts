/**
 * Audio towards a browser, whatever protocol it speaks (`gag.v1` in `session.ts`, GoAstGateway's
 * words in `legacy.ts`): whole frames are sent, or dropped when the browser has not read
 * {@link MAX_BROWSER_BACKLOG_MS} of audio (late audio is worse than lost audio). Each frame is
 * counted once, here, as sent or dropped; the gateway's totals are summed from these counters.
 * @packageDocumentation
 */
import type { WebSocket } from 'ws';
import { FRAME_MS, frameBytesOf, type WireFormat } from '@gag/sdk/protocol';

/** A browser that has not read this much audio loses the newest frames (those queued are still sent). */
export const MAX_BROWSER_BACKLOG_MS = 200;
/** {@link MAX_BROWSER_BACKLOG_MS} of audio in `format`, in bytes. @example backlogBytesOf('ulaw') // 1600 */
export const backlogBytesOf = (format: WireFormat): number => (MAX_BROWSER_BACKLOG_MS / FRAME_MS) * frameBytesOf(format);

/** A browser connection's counters (no per-frame logging), in 20 ms frames of the call's codec. */
export interface PhoneStats {
  /** Frames received from the browser and passed on. */
  framesIn: number;
  /** Frames sent to the browser, and their bytes. */
  framesOut: number;
  bytesOut: number;
  /** Frames not sent: the browser had more than MAX_BROWSER_BACKLOG_MS of audio unread. */
  framesDroppedBacklog: number;
}

/** A fresh set of {@link PhoneStats}. */
export const newPhoneStats = (): PhoneStats => ({ framesIn: 0, framesOut: 0, bytesOut: 0, framesDroppedBacklog: 0 });

/**
 * Send whole frames of `format` to a browser and count them, or drop and count them when it
 * already has more than {@link backlogBytesOf} `format` unread: its memory and ours stay bounded.
 * Returns false when the frames were dropped.
 * @example
 * return sendAudioOrDrop(ws, frames, 'slin16', this.stats);
 */
export function sendAudioOrDrop(ws: WebSocket, frames: Buffer, format: WireFormat, stats: PhoneStats): boolean {
  const count = frames.length / frameBytesOf(format);
  if (ws.bufferedAmount > backlogBytesOf(format)) {
    stats.framesDroppedBacklog += count;
    return false;
  }
  stats.framesOut += count;
  stats.bytesOut += frames.length;
  ws.send(frames, { binary: true });
  return true;
}
