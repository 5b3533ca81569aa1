/**
 * Which way `call.sendDtmf` sends keys, with the call's real audio graph in Chromium: out of band
 * (a `dtmf` message, no tones in the audio, so Asterisk cannot get each key twice) when the
 * connection says the gateway takes them, in-band tones in the outgoing frames otherwise.
 */
import { afterEach, expect, test, vi } from 'vitest';
import { decodeDtmf } from '@gag/e2e/tones';
import { s16ToFloat } from '../../src/audio/pcm.js';
import { Call } from '../../src/call.js';
import type { CallTransport } from '../../src/call-events.js';
import { FRAME_SAMPLES, WIRE_RATE_HZ } from '../../src/wire-units.js';
import { steadyMicrophone } from './steady-microphone.js';

afterEach(() => {
  vi.restoreAllMocks();
});

/** Frames a key sequence needs to be over, with room: 160 ms a digit, plus the way through the worklet. */
const FRAMES_AFTER_KEYS = 40;

/** A call whose connection records the frames and the `dtmf` messages it is given; `outOfBand`: the gateway listed `dtmf`. */
function talkingCall(outOfBand: boolean): { call: Call; sent: ArrayBuffer[]; keys: string[] } {
  const sent: ArrayBuffer[] = [];
  const keys: string[] = [];
  const transport: CallTransport = {
    sendControl: (message) => {
      if (message.type === 'answer') queueMicrotask(() => call.answered()); // the gateway's answered
    },
    sendDtmf: (_callId, digits) => {
      if (outOfBand) keys.push(digits);
      return outOfBand;
    },
    sendAudio: (frame) => {
      sent.push(frame.slice(0)); // the buffer goes back to the worklet's pool after this call
      return true;
    },
    packetMs: () => 20, forget: () => undefined,
    measureRtt: () => Promise.resolve(null),
  };
  const call = new Call({ type: 'incoming', callId: 'c1', extension: '2001', callerNumber: null, callerName: null, group: null }, transport);
  return { call, sent, keys };
}

/** The keys found in the frames sent from frame `from` on. */
function keysInAudio(sent: readonly ArrayBuffer[], from: number): string {
  const frames = sent.slice(from);
  const wire = new Float32Array(frames.length * FRAME_SAMPLES);
  frames.forEach((frame, i) => s16ToFloat(new Int16Array(frame), wire, FRAME_SAMPLES, 0, i * FRAME_SAMPLES));
  return decodeDtmf(wire, WIRE_RATE_HZ).digits;
}

test.each([
  { outOfBand: true, message: ['1#'], inAudio: '' },
  { outOfBand: false, message: [], inAudio: '1#' },
])('gateway takes dtmf: $outOfBand — the keys go as messages $message and as tones "$inAudio"', async ({ outOfBand, message, inAudio }) => {
  steadyMicrophone();
  const { call, sent, keys } = talkingCall(outOfBand);
  await call.answer();
  await expect.poll(() => sent.length, { timeout: 5_000 }).toBeGreaterThanOrEqual(10); // audio flows
  const from = sent.length;
  call.sendDtmf('1#');
  await expect.poll(() => sent.length, { timeout: 5_000 }).toBeGreaterThanOrEqual(from + FRAMES_AFTER_KEYS);
  expect(keys).toEqual(message);
  expect(keysInAudio(sent, from)).toBe(inAudio);
  call.hangup();
});
