/** PacketGatherer: the microphone's 20 ms frames gathered into packets of the gateway's packet time. */
import { describe, expect, test } from 'vitest';
import { PacketGatherer } from '../src/audio-packets.js';
import { packetTimeOf } from '../src/wire-units.js';

const frame = (n: number, bytes = 640): ArrayBuffer => new Uint8Array(bytes).fill(n).buffer;

describe('PacketGatherer', () => {
  test('at 20 ms each frame is its own packet, not copied', () => {
    const packets = new PacketGatherer(640, 20);
    const f = frame(1);
    expect(packets.add(f)).toBe(f);
  });

  test('at 60 ms every third frame completes a packet holding the three in order, in a new buffer each time', () => {
    const packets = new PacketGatherer(160, 60);
    const out = [1, 2, 3, 4, 5, 6].map((n) => packets.add(frame(n, 160)));
    expect(out.map((p) => p?.byteLength)).toEqual([undefined, undefined, 480, undefined, undefined, 480]);
    const [first, second] = [new Uint8Array(out[2]!), new Uint8Array(out[5]!)];
    expect([first[0], first[160], first[320], second[0], second[160], second[320]]).toEqual([1, 2, 3, 4, 5, 6]);
    expect(out[2]).not.toBe(out[5]);
  });
});

describe('packetTimeOf', () => {
  test("takes the gateway's 20, 40 or 60 and falls back to 20 for anything else", () => {
    expect([undefined, 20, 40, 60, 30, 80, 0].map(packetTimeOf)).toEqual([20, 20, 40, 60, 20, 20, 20]);
  });
});
