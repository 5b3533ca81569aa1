/**
 * The audio path's own reader (net/binary-frames-in.ts), on the gateway's WebSocket servers
 * (`createWsServer`): whole masked BINARY frames reach the sink unmasked, every other frame reaches
 * ws, and a connection sees each message once, in the order sent, however the bytes are cut into
 * reads. ws still refuses what it refused (unmasked, oversized, RSV bits, a binary frame inside a
 * fragmented message) and nothing reaches the sink after. Driven over an in-memory socket, so each
 * read is exactly the chunk the test pushes; one test on a real loopback connection checks ws's
 * internals are as the reader expects (otherwise it would silently leave everything to ws).
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { Duplex } from 'node:stream';
import fc from 'fast-check';
import { afterEach, expect, test, vi } from 'vitest';
import { WebSocket, type WebSocketServer } from 'ws';
import { onMessages, takeBinaryMessages } from '../src/net/binary-frames-in.js';
import { createWsServer } from '../src/net/ws-server.js';
import { gatewayWsPair } from './gateway-ws-pair.js';

const MAX_PAYLOAD = 100_000;

type Heard = { via: 'sink' | 'ws'; binary: boolean; data: string };

/** A socket whose reads are the chunks pushed, and whose writes are kept. */
class MemorySocket extends Duplex {
  readonly written: Buffer[] = [];
  override _read(): void {}
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.written.push(chunk);
    done();
  }
  /** Close frames the server wrote (after the 101 response): their status codes. */
  closeCodes(): number[] {
    const out = Buffer.concat(this.written.slice(1));
    const codes: number[] = [];
    for (let at = 0; at + 2 <= out.length; ) {
      const length = out[at + 1]! & 0x7f; // server frames here are short (close, pong)
      if (out[at] === 0x88 && length >= 2) codes.push(out.readUInt16BE(at + 2));
      at += 2 + length;
    }
    return codes;
  }
}

const servers: WebSocketServer[] = [];
afterEach(() => {
  for (const wss of servers.splice(0)) for (const ws of wss.clients) ws.terminate();
});

/** A server-side connection of the gateway's kind on a memory socket; what it hears, by which path. */
function accept(take = true): { ws: WebSocket; socket: MemorySocket; heard: Heard[] } {
  const wss = createWsServer({ maxPayloadBytes: MAX_PAYLOAD, subprotocol: 'test' });
  servers.push(wss);
  const socket = new MemorySocket();
  const req = {
    method: 'GET',
    url: '/',
    headers: { upgrade: 'websocket', connection: 'Upgrade', 'sec-websocket-key': randomBytes(16).toString('base64'), 'sec-websocket-version': '13' },
    socket,
  } as unknown as IncomingMessage;
  let accepted: WebSocket | undefined;
  wss.handleUpgrade(req, socket, Buffer.alloc(0), (ws) => (accepted = ws));
  const ws = accepted!;
  const heard: Heard[] = [];
  const text = (data: Buffer): string => data.toString('hex');
  ws.on('message', (data, binary) => heard.push({ via: 'ws', binary, data: text(data as Buffer) }));
  ws.on('error', () => {});
  if (take) expect(takeBinaryMessages(ws, (data) => heard.push({ via: 'sink', binary: true, data: text(data) }))).toBe(true);
  return { ws, socket, heard };
}

/** One client frame: FIN and RSV bits, opcode, payload, masked with `mask` (none: unmasked). */
function frame(opcode: number, payload: Buffer, { fin = true, mask = randomBytes(4) as Buffer | null, rsv = 0 } = {}): Buffer {
  const first = (fin ? 0x80 : 0) | rsv | opcode;
  const m = mask === null ? 0 : 0x80;
  const length = payload.length;
  const head =
    length < 126
      ? Buffer.from([first, m | length])
      : length < 65_536
        ? Buffer.from([first, m | 126, length >> 8, length & 0xff])
        : Buffer.concat([Buffer.from([first, m | 127, 0, 0, 0, 0]), Buffer.from([length >>> 24, (length >> 16) & 0xff, (length >> 8) & 0xff, length & 0xff])]);
  if (mask === null) return Buffer.concat([head, payload]);
  return Buffer.concat([head, mask, Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!))]);
}

const pattern = (length: number, seed = 0): Buffer => Buffer.from(Array.from({ length }, (_, i) => (i * 7 + seed) & 0xff));

/** Push `bytes` as reads cut at `cuts`, and let the socket's flowing reads deliver them. */
async function feed(socket: MemorySocket, bytes: Buffer, cuts: number[] = []): Promise<void> {
  let from = 0;
  for (const cut of [...cuts.filter((c) => c > 0 && c < bytes.length)].sort((a, b) => a - b).concat(bytes.length)) {
    if (cut > from) socket.push(bytes.subarray(from, cut));
    from = cut;
    await new Promise(setImmediate); // one read at a time, as a socket delivers them
  }
}

test('whole binary frames go to the sink unmasked at every header size, the rest to ws, in order', async () => {
  const { socket, heard } = accept();
  const binaries = [0, 1, 2, 3, 5, 125, 126, 640, 1_920, 65_535, 65_536, 70_000];
  const bytes = Buffer.concat([
    frame(0x1, Buffer.from('hello')),
    ...binaries.map((n) => frame(0x2, pattern(n, n))),
    frame(0x9, Buffer.from('ping')),
    frame(0x1, Buffer.from('bye')),
  ]);
  await feed(socket, bytes);
  const hex = (s: string): string => Buffer.from(s).toString('hex');
  expect(heard).toEqual([
    { via: 'ws', binary: false, data: hex('hello') },
    // Up to 64 KiB the sink's; 70,000 bytes is still ws's (within maxPayload, too long to hold here).
    ...binaries.map((n) => ({ via: n <= 65_536 ? 'sink' : 'ws', binary: true, data: pattern(n, n).toString('hex') })),
    { via: 'ws', binary: false, data: hex('bye') },
  ]);
  expect(Buffer.concat(socket.written.slice(1)).subarray(0, 2)).toEqual(Buffer.from([0x8a, 4])); // ws answered the ping
});

test('a zero mask (the cluster links) and frames cut anywhere across reads', async () => {
  const { socket, heard } = accept();
  const bytes = Buffer.concat([frame(0x2, pattern(640), { mask: Buffer.alloc(4) }), frame(0x2, pattern(641, 3)), frame(0x1, Buffer.from('x'))]);
  await feed(socket, bytes, Array.from({ length: bytes.length }, (_, i) => i)); // one byte per read
  expect(heard.map((h) => [h.via, h.data.length / 2])).toEqual([['sink', 640], ['sink', 641], ['ws', 1]]);
  expect(heard[0]!.data).toBe(pattern(640).toString('hex'));
  expect(heard[1]!.data).toBe(pattern(641, 3).toString('hex'));
});

test('a frame trickled over many reads is gathered in one buffer, not re-joined on every read (a slow peer costs its bytes once)', async () => {
  const { socket, heard } = accept();
  const bytes = frame(0x2, pattern(4_000, 5));
  const concat = vi.spyOn(Buffer, 'concat');
  try {
    await feed(socket, bytes, Array.from({ length: 200 }, (_, i) => 1 + i * 20)); // the first read: 1 byte, a header in part
    expect(heard).toEqual([{ via: 'sink', binary: true, data: pattern(4_000, 5).toString('hex') }]);
    expect(concat.mock.calls.length).toBeLessThanOrEqual(1); // the header's one join; the frame itself never
  } finally {
    concat.mockRestore();
  }
});

test('a fragmented binary message is ws’s, whole, with a control frame between its fragments', async () => {
  const { socket, heard } = accept();
  await feed(
    socket,
    Buffer.concat([
      frame(0x2, pattern(10), { fin: false }),
      frame(0x9, Buffer.alloc(0)),
      frame(0x0, pattern(10, 10)),
      frame(0x2, pattern(4, 1)),
    ]),
  );
  expect(heard).toEqual([
    { via: 'ws', binary: true, data: Buffer.concat([pattern(10), pattern(10, 10)]).toString('hex') },
    { via: 'sink', binary: true, data: pattern(4, 1).toString('hex') },
  ]);
});

test('without a sink, or once the connection is closing, binary messages come as ws events', async () => {
  const idle = accept(false);
  await feed(idle.socket, frame(0x2, pattern(8)));
  expect(idle.heard.map((h) => h.via)).toEqual(['ws']);

  const { ws, socket, heard } = accept();
  ws.close(1000, 'done');
  await feed(socket, frame(0x2, pattern(8)));
  expect(heard.map((h) => h.via)).toEqual(['ws']);
});

test('onMessages hears text and binary once each, in order, and after its stop neither', async () => {
  const { ws, socket, heard } = accept(false);
  const both: Array<[boolean, string]> = [];
  const stop = onMessages(ws, (data, binary) => both.push([binary, data.toString('hex')]));
  await feed(socket, Buffer.concat([frame(0x1, Buffer.from('a')), frame(0x2, pattern(8)), frame(0x2, pattern(3), { fin: false }), frame(0x0, pattern(3, 3))]));
  expect(both).toEqual([
    [false, Buffer.from('a').toString('hex')],
    [true, pattern(8).toString('hex')],
    [true, Buffer.concat([pattern(3), pattern(3, 3)]).toString('hex')],
  ]);
  expect(heard.map((h) => h.binary)).toEqual([false, true]); // ws's own event: the text and the fragmented message; the whole frame came from the reader
  stop();
  await feed(socket, Buffer.concat([frame(0x2, pattern(8)), frame(0x1, Buffer.from('b'))]));
  expect(both).toHaveLength(3);
});

test.each([
  ['an unmasked frame', frame(0x2, pattern(8), { mask: null }), 1002],
  ['an RSV bit (no extension was agreed)', frame(0x2, pattern(8), { rsv: 0x40 }), 1002],
  ['a frame over maxPayload', frame(0x2, pattern(MAX_PAYLOAD + 1)), 1009],
  ['a binary frame inside a fragmented text message', Buffer.concat([frame(0x1, Buffer.from('a'), { fin: false }), frame(0x2, pattern(8))]), 1002],
])('%s: ws closes with %i and nothing more reaches the sink', async (_name, bad, code) => {
  const { socket, heard } = accept();
  await feed(socket, Buffer.concat([bad, frame(0x2, pattern(8))]));
  await expect.poll(() => socket.closeCodes()).toEqual([code]);
  expect(heard.filter((h) => h.via === 'sink')).toEqual([]);
});

test('any sequence of messages, cut into reads anywhere, is heard once each, in order, byte for byte', async () => {
  const message = fc.oneof(
    fc.record({ binary: fc.constant(true), data: fc.uint8Array({ maxLength: 2_000 }) }),
    fc.record({ binary: fc.constant(false), data: fc.string({ maxLength: 50 }).map((s) => new TextEncoder().encode(s)) }),
  );
  await fc.assert(
    fc.asyncProperty(fc.array(message, { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 8 }), fc.boolean(), async (messages, cuts, zeroMask) => {
      const { socket, heard } = accept();
      const mask = (): Buffer => (zeroMask ? Buffer.alloc(4) : randomBytes(4));
      const bytes = Buffer.concat(messages.map((m) => frame(m.binary ? 0x2 : 0x1, Buffer.from(m.data), { mask: mask() })));
      await feed(socket, bytes, cuts.map((c) => (bytes.length === 0 ? 0 : c % bytes.length)));
      expect(heard.map((h) => ({ binary: h.binary, data: h.data }))).toEqual(messages.map((m) => ({ binary: m.binary, data: Buffer.from(m.data).toString('hex') })));
      expect(heard.filter((h) => h.binary && h.via === 'ws')).toEqual([]);
    }),
    { numRuns: 300 },
  );
});

test("on a real connection the reader is in place (ws's internals are as it expects)", async () => {
  const { atServer: ws, client, close } = await gatewayWsPair(MAX_PAYLOAD);
  try {
    const got: Buffer[] = [];
    expect(takeBinaryMessages(ws, (data) => got.push(Buffer.from(data)))).toBe(true);
    client.send(pattern(640, 9));
    await expect.poll(() => got.length).toBe(1);
    expect(got[0]!.equals(pattern(640, 9))).toBe(true);
    client.close();
    await once(ws, 'close');
  } finally {
    close();
  }
});
