/**
 * sendBinaryFrame (net/binary-frame.ts): a real ws client on loopback receives each payload as one
 * BINARY message, byte for byte, at every header size, in order with the TEXT and ping frames ws
 * sends on the same socket; nothing is written once the connection is closing.
 */
import { once } from 'node:events';
import { afterEach, expect, test } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { sendBinaryFrame } from '../src/net/binary-frame.js';

let server: WebSocketServer | undefined;
afterEach(async () => {
  for (const client of server?.clients ?? []) client.terminate();
  await new Promise((resolve) => server?.close(resolve));
});

async function pair(): Promise<{ atServer: WebSocket; client: WebSocket; received: Array<{ binary: boolean; data: Buffer }> }> {
  server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, maxPayload: 200_000 });
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  const connected = once(server, 'connection');
  const client = new WebSocket(`ws://127.0.0.1:${port}`, { maxPayload: 200_000 });
  const received: Array<{ binary: boolean; data: Buffer }> = [];
  client.on('message', (data, binary) => received.push({ binary, data: data as Buffer }));
  await once(client, 'open');
  const [atServer] = (await connected) as [WebSocket];
  return { atServer, client, received };
}

const pattern = (length: number): Buffer => Buffer.from(Array.from({ length }, (_, i) => (i * 7 + length) & 0xff));

test('each payload arrives as one binary message, byte for byte, with 2-, 4- and 10-byte headers', async () => {
  const { atServer, received } = await pair();
  const lengths = [0, 1, 125, 126, 640, 1_920, 65_535, 65_536, 100_000];
  for (const length of lengths) expect(sendBinaryFrame(atServer, pattern(length))).toBe(true);
  await expect.poll(() => received.length).toBe(lengths.length);
  expect(received.map((m) => [m.binary, m.data.length])).toEqual(lengths.map((l) => [true, l]));
  for (const [i, length] of lengths.entries()) expect(received[i]!.data.equals(pattern(length))).toBe(true);
});

test("it keeps its place among ws's own frames on the same socket", async () => {
  const { atServer, client, received } = await pair();
  const pong = once(client, 'ping');
  sendBinaryFrame(atServer, pattern(640));
  atServer.send('between');
  atServer.ping();
  sendBinaryFrame(atServer, pattern(320));
  await pong;
  await expect.poll(() => received.length).toBe(3);
  expect(received.map((m) => (m.binary ? m.data.length : m.data.toString()))).toEqual([640, 'between', 320]);
});

test('nothing is written once the connection is closing', async () => {
  const { atServer, client, received } = await pair();
  atServer.close(1000);
  expect(sendBinaryFrame(atServer, pattern(640))).toBe(false);
  const [code] = (await once(client, 'close')) as [number];
  expect(code).toBe(1000);
  expect(received).toEqual([]);
});
