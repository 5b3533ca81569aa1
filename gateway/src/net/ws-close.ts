/**
 * Closing WebSockets safely: reasons that fit RFC 6455's 123 bytes (ws throws on longer ones,
 * and a reason may repeat a peer's multibyte input), and a shutdown that does not wait on peers
 * that stopped reading.
 * @packageDocumentation
 */
import type { WebSocket, WebSocketServer } from 'ws';
import { settledWithin } from '../settled-within.js';

/** A close frame's reason is at most 123 bytes of UTF-8 (RFC 6455, 5.5.1). */
export const MAX_CLOSE_REASON_BYTES = 123;
/** How long shutdown waits for peers to answer the close frame before cutting them. */
export const SHUTDOWN_GRACE_MS = 1_000;

/** `text` cut to whole characters within {@link MAX_CLOSE_REASON_BYTES}. */
export function closeReason(text: string): string {
  if (Buffer.byteLength(text) <= MAX_CLOSE_REASON_BYTES) return text;
  let out = '';
  let bytes = 0;
  for (const ch of text) {
    const size = Buffer.byteLength(ch);
    if (bytes + size > MAX_CLOSE_REASON_BYTES - 3) break;
    out += ch;
    bytes += size;
  }
  return `${out}...`;
}

/** Close `ws` with `code` and a reason that always fits. */
export function closeSocket(ws: WebSocket, code: number, reason: string): void {
  ws.close(code, closeReason(reason));
}

/**
 * Close every client of `wss` with `code`, wait up to {@link SHUTDOWN_GRACE_MS} for the closing
 * handshakes, cut the rest, then close the server.
 */
export async function closeAllClients(wss: WebSocketServer, code: number, reason: string): Promise<void> {
  const clients = [...wss.clients];
  const closed = clients.map((ws) => new Promise<void>((resolve) => (ws.readyState === ws.CLOSED ? resolve() : ws.once('close', () => resolve()))));
  for (const ws of clients) closeSocket(ws, code, reason);
  await settledWithin(Promise.all(closed), SHUTDOWN_GRACE_MS);
  for (const ws of wss.clients) ws.terminate();
  await new Promise<void>((resolve) => wss.close(() => resolve()));
}
