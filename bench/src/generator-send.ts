/**
 * How every load client of the bench (Asterisk calls, gag.v1 and legacy browsers) sends audio:
 * one BINARY message, unless its own socket is backed up, so that a slow gateway shows as
 * frames the generator could not send rather than as memory growing in the generator.
 * @packageDocumentation
 */
import { WebSocket } from 'ws';
import { FRAME_BYTES, FRAME_MS } from '@gag/sdk/protocol';

/** The load generator stops writing to a socket that has this much unsent (1 s of audio). */
export const GEN_MAX_BACKLOG_BYTES = (1_000 / FRAME_MS) * FRAME_BYTES;
const BINARY = { binary: true } as const;

/** Send `frames` on `ws`; false (not sent) when it is not open or has {@link GEN_MAX_BACKLOG_BYTES} unsent. */
export function sendAudioBounded(ws: WebSocket, frames: Buffer): boolean {
  if (ws.readyState !== WebSocket.OPEN || ws.bufferedAmount > GEN_MAX_BACKLOG_BYTES) return false;
  ws.send(frames, BINARY);
  return true;
}
