/**
 * BinaryOut (net/binary-frame.ts): a real ws client on loopback receives each payload as one
 * BINARY message, byte for byte, at every header size, in order with the TEXT and ping frames ws
 * sends on the same socket; nothing is written once the connection is closing. A payload the
 * reader is handing over (net/binary-frames-in.ts) goes out in place, without a copy, and only
 * while it is being handed. A TEXT frame built once is written as often as wanted, unchanged.
 */
import { once } from 'node:events';
import type { Duplex } from 'node:stream';
import { afterEach, expect, test, vi } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { BinaryOut, textFrameOf } from '../src/net/binary-frame.js';
import { takeBinaryMessages } from '../src/net/binary-frames-in.js';
import { gatewayWsPair } from './gateway-ws-pair.js';

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
  const out = new BinaryOut(atServer);
  for (const length of lengths) expect(out.send(pattern(length))).toBe(true);
  await expect.poll(() => received.length).toBe(lengths.length);
  expect(received.map((m) => [m.binary, m.data.length])).toEqual(lengths.map((l) => [true, l]));
  for (const [i, length] of lengths.entries()) expect(received[i]!.data.equals(pattern(length))).toBe(true);
});

test("it keeps its place among ws's own frames on the same socket", async () => {
  const { atServer, client, received } = await pair();
  const pong = once(client, 'ping');
  const out = new BinaryOut(atServer);
  out.send(pattern(640));
  atServer.send('between');
  atServer.ping();
  out.send(pattern(320));
  await pong;
  await expect.poll(() => received.length).toBe(3);
  expect(received.map((m) => (m.binary ? m.data.length : m.data.toString()))).toEqual([640, 'between', 320]);
});

test('nothing is written once the connection is closing', async () => {
  const { atServer, client, received } = await pair();
  atServer.close(1000);
  expect(new BinaryOut(atServer).send(pattern(640))).toBe(false);
  const [code] = (await once(client, 'close')) as [number];
  expect(code).toBe(1000);
  expect(received).toEqual([]);
});

test('a payload relayed as the reader hands it goes out in place, at every header size; a kept one is copied', async () => {
  const { atServer, client, close } = await gatewayWsPair(200_000);
  try {
    const echoed: Buffer[] = [];
    client.on('message', (data) => echoed.push(data as Buffer));
    const out = new BinaryOut(atServer);
    const write = vi.spyOn((atServer as unknown as { _socket: Duplex })._socket, 'write');
    const kept: Buffer[] = [];
    // An echo: each payload straight back while it is handed over; the 640-byte one also kept for later.
    takeBinaryMessages(atServer, (payload) => {
      if (payload.length === 640) kept.push(payload);
      out.send(payload);
    });
    const lengths = [0, 1, 125, 126, 640, 1_280, 65_535, 65_536];
    for (const length of lengths) client.send(pattern(length));
    await expect.poll(() => echoed.length).toBe(lengths.length);
    expect(echoed.map((m) => m.length)).toEqual(lengths);
    for (const [i, length] of lengths.entries()) expect(echoed[i]!.equals(pattern(length))).toBe(true);
    // Each write was a view of the bytes read, the payload's own memory: no copy.
    const frames = write.mock.calls.map(([chunk]) => chunk as Buffer);
    expect(frames).toHaveLength(lengths.length);
    const payload = kept[0]!;
    const frame = frames[lengths.indexOf(640)]!;
    expect(frame.buffer === payload.buffer).toBe(true);
    expect(frame.byteOffset + 4).toBe(payload.byteOffset); // its 4-byte header written over the mask
    // Sent again after the sink returned, it is copied: the bytes before it are not touched.
    const before = (): Buffer => Buffer.from(Buffer.from(payload.buffer, payload.byteOffset - 4, 4));
    const beforeNow = before();
    out.send(payload);
    expect((write.mock.calls.at(-1)![0] as Buffer).buffer === payload.buffer).toBe(false);
    expect(before()).toEqual(beforeNow);
    await expect.poll(() => echoed.length).toBe(lengths.length + 1);
  } finally {
    close();
  }
});

test('a TEXT frame built once arrives as text every time it is written, in order with the audio', async () => {
  const { atServer, received } = await pair();
  const out = new BinaryOut(atServer);
  const status = textFrameOf('GET_STATUS');
  const json = textFrameOf(JSON.stringify({ command: 'GET_STATUS', note: 'é'.repeat(80) })); // 4-byte header, UTF-8
  const copy = Buffer.from(status);
  expect(out.write(status)).toBe(true);
  out.send(pattern(640));
  out.write(json);
  out.write(status);
  await expect.poll(() => received.length).toBe(4);
  expect(received.map((m) => (m.binary ? m.data.length : m.data.toString()))).toEqual([
    'GET_STATUS',
    640,
    JSON.stringify({ command: 'GET_STATUS', note: 'é'.repeat(80) }),
    'GET_STATUS',
  ]);
  expect(status.equals(copy)).toBe(true); // never written into
});
