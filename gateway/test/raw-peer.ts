/**
 * A raw TCP WebSocket peer for tests that need what a well-behaved client never does: bytes
 * glued to the upgrade request, a peer that never answers a close frame, a fake Asterisk that
 * ignores HANGUP.
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/** One client frame (masked, FIN set): opcode 1 text, 2 binary. Payloads under 126 bytes. */
export function clientFrame(opcode: 1 | 2, payload: Buffer): Buffer {
  if (payload.length >= 126) throw new RangeError('short frames only');
  const mask = randomBytes(4);
  const masked = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!));
  return Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | payload.length]), mask, masked]);
}

/**
 * Open a TCP connection to `wsUrl`, send an upgrade for `path` with `headers` and then `after`
 * in the same write; resolves with the socket once the 101 arrived (rejects on any other status).
 */
export function rawUpgrade(wsUrl: string, path: string, headers: Record<string, string>, after: Buffer = Buffer.alloc(0)): Promise<Socket> {
  const url = new URL(wsUrl);
  const socket = connect(Number(url.port), url.hostname);
  const lines = [
    `GET ${path} HTTP/1.1`,
    `Host: ${url.host}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
    'Sec-WebSocket-Version: 13',
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  socket.write(Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`), after]));
  return new Promise((resolve, reject) => {
    socket.once('data', (chunk: Buffer) => {
      const status = chunk.toString('latin1').split(' ')[1];
      if (status === '101') resolve(socket);
      else reject(new Error(`upgrade answered ${status}`));
    });
    socket.once('error', reject);
  });
}
