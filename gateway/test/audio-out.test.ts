/**
 * AudioOut (browser/audio-out.ts): frames gathered into packets of the packet time, sent in order,
 * each frame counted once (sent or dropped), what is held sent by flush(), a codec change never
 * mixing two codecs in one message. A stand-in for ws and its socket records the payload of each
 * BINARY frame written (net/binary-frame.ts is tested on real sockets in binary-frame.test.ts).
 */
import { describe, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import { FRAME_BYTES, frameBytesOf } from '@gag/sdk/protocol';
import { AudioOut, backlogBytesOf } from '../src/browser/audio-out.js';

function socket(): { ws: WebSocket; sent: Buffer[]; unread: { bytes: number } } {
  const sent: Buffer[] = [];
  const unread = { bytes: 0 };
  // Every payload here is 126–65,535 bytes: a 4-byte header, then the payload.
  const write = (frame: Buffer): void => void sent.push(Buffer.from(frame.subarray(4)));
  const ws = { readyState: WebSocket.OPEN, _socket: { write, get writableLength() { return unread.bytes; } } } as unknown as WebSocket;
  return { ws, sent, unread };
}
const frame = (n: number, bytes = FRAME_BYTES): Buffer => Buffer.alloc(bytes, n);

describe('AudioOut', () => {
  test('at 20 ms every frame goes as it comes', () => {
    const { ws, sent } = socket();
    const out = new AudioOut(ws);
    for (let n = 1; n <= 3; n++) expect(out.send(frame(n), 'slin16')).toBe(true);
    expect(sent.map((m) => [m.length, m[0]])).toEqual([[640, 1], [640, 2], [640, 3]]);
    expect(out.stats).toMatchObject({ framesOut: 3, bytesOut: 1920, framesDroppedBacklog: 0 });
  });

  test('at 60 ms three frames make one message, in order; flush sends what is held', () => {
    const { ws, sent } = socket();
    const out = new AudioOut(ws, 60);
    for (let n = 1; n <= 5; n++) out.send(frame(n), 'slin16');
    expect(sent).toHaveLength(1);
    expect([...sent[0]!.subarray(0, 1), sent[0]![640], sent[0]![1280]]).toEqual([1, 2, 3]);
    expect(out.stats.framesOut).toBe(3);
    out.flush();
    expect(sent.map((m) => m.length)).toEqual([1920, 1280]);
    expect([sent[1]![0], sent[1]![640]]).toEqual([4, 5]);
    expect(out.stats).toMatchObject({ framesOut: 5, bytesOut: 3200 });
    out.flush();
    expect(sent).toHaveLength(2);
  });

  test('a message already a packet long (or longer) goes as it is when nothing is held', () => {
    const { ws, sent } = socket();
    const out = new AudioOut(ws, 40);
    out.send(Buffer.concat([frame(1), frame(2)]), 'slin16');
    expect(sent.map((m) => m.length)).toEqual([1280]);
    out.send(frame(3), 'slin16');
    out.send(Buffer.concat([frame(4), frame(5), frame(6)]), 'slin16');
    expect(sent.map((m) => m.length)).toEqual([1280, 1280, 1280]);
    expect(sent.slice(1).flatMap((m) => [m[0], m[640]])).toEqual([3, 4, 5, 6]);
  });

  test('a browser that stopped reading loses the new frames, counted; what it was sent stays whole', () => {
    const { ws, sent, unread } = socket();
    const out = new AudioOut(ws, 40);
    unread.bytes = backlogBytesOf('slin16') + 1;
    expect(out.send(frame(1), 'slin16')).toBe(false);
    unread.bytes = 0;
    out.send(frame(2), 'slin16');
    out.send(frame(3), 'slin16');
    expect(sent.map((m) => [m.length, m[0], m[640]])).toEqual([[1280, 2, 3]]);
    expect(out.stats).toMatchObject({ framesOut: 2, framesDroppedBacklog: 1 });
  });

  test('a new codec first sends what is held in the old one', () => {
    const { ws, sent } = socket();
    const out = new AudioOut(ws, 40);
    out.send(frame(1), 'slin16');
    out.send(frame(2, frameBytesOf('ulaw')), 'ulaw');
    out.send(frame(3, frameBytesOf('ulaw')), 'ulaw');
    expect(sent.map((m) => m.length)).toEqual([640, 320]);
    expect(out.stats.framesOut).toBe(3);
  });
});
