/**
 * Proof that a call's own audio went through a fault untouched, both ways (issue 20: a fork
 * service that never reads, is down or leaves, a disk that fills up). For a slin16 call of
 * agent-voice.ts's `talkingCall`: the caller plays 440 Hz at 0.5, the agent answers each frame it
 * hears with one frame of 1 kHz at 0.25 (20 ms packets).
 */
import { expect } from 'vitest';
import { analyseTone, isTone, tone, type FakeCall } from '@gag/e2e';
import { FRAME_BYTES, FRAME_SAMPLES, WIRE_RATE_HZ } from '@gag/sdk/protocol';
import type { TestPhone } from '@gag/testkit/phone';

/** The tones of agent-voice.ts's talkingCall, and their RMS levels (a sine at A is 20·log10(A/√2) dBFS). */
const CALLER = { hz: 440, amplitude: 0.5, dbfs: -9 } as const;
const AGENT = { hz: 1000, amplitude: 0.25, dbfs: -15 } as const;
/** Frames the span of a fault must last at least: one second of the call. */
const MIN_SPAN_FRAMES = 50;
const DRAIN_TIMEOUT_MS = 5_000;

/**
 * Where the call's audio stood when a fault began: 20 ms frames heard by the phone and by Asterisk.
 * @example const { atPhone, atAsterisk }: AudioMark = markAudio(phone, call);
 */
export interface AudioMark {
  readonly atPhone: number;
  readonly atAsterisk: number;
}

/**
 * 20 ms frames the phone has heard.
 * @example await expect.poll(() => framesHeard(phone) - from.atPhone).toBeGreaterThanOrEqual(50);
 */
export const framesHeard = (phone: TestPhone): number => phone.audio.reduce((n, m) => n + m.length, 0) / FRAME_BYTES;

/**
 * Mark the call's audio now, at the start of a fault.
 * @example const from = markAudio(phone, call); receiver.close(); await expectUnbrokenAudio(phone, call, from);
 */
export const markAudio = (phone: TestPhone, call: FakeCall): AudioMark => ({ atPhone: framesHeard(phone), atAsterisk: call.received.frames });

/** The first frame of `heard` that is not the frame expected at its place, or -1. */
function firstWrongFrame(heard: Int16Array, expected: (frame: number, out: Int16Array) => void, toleranceLsb: number): number {
  const want = new Int16Array(FRAME_SAMPLES);
  for (let frame = 0; frame * FRAME_SAMPLES < heard.length; frame++) {
    expected(frame, want);
    for (let i = 0; i < FRAME_SAMPLES; i++) if (Math.abs(heard[frame * FRAME_SAMPLES + i]! - want[i]!) > toleranceLsb) return frame;
  }
  return -1;
}

/** `bytes` of slin16 as samples. */
const s16 = (bytes: Buffer): Int16Array => Int16Array.from({ length: bytes.length / 2 }, (_, i) => bytes.readInt16LE(2 * i));

/**
 * After a fault that began at `from` (and may still go on): once the span has lasted a second,
 * the caller falls silent; then every frame the caller sent must reach the phone and every frame
 * the agent answered must reach Asterisk (counts equal: none lost, none added, none dropped by
 * Asterisk's queue), each exactly the next frame of its tone from the call's first (no gap, no
 * reordering, nothing mixed in), and the audio of the span has each tone's frequency and level.
 * @example
 * const from = markAudio(phone, call);
 * stream.stopReading();
 * await expectUnbrokenAudio(phone, call, from);
 */
export async function expectUnbrokenAudio(phone: TestPhone, call: FakeCall, from: AudioMark): Promise<void> {
  await expect.poll(() => framesHeard(phone) - from.atPhone, { timeout: DRAIN_TIMEOUT_MS }).toBeGreaterThanOrEqual(MIN_SPAN_FRAMES);
  call.play(undefined); // from the next 20 ms slot on: framesSent is final now
  const sent = call.framesSent;
  await expect.poll(() => framesHeard(phone), { timeout: DRAIN_TIMEOUT_MS }).toBe(sent);
  await expect.poll(() => call.received.frames, { timeout: DRAIN_TIMEOUT_MS }).toBe(sent);
  expect({ overflowFrames: call.received.overflowFrames, droppedBytes: call.received.droppedBytes, oddSized: call.received.oddSizedMessages }).toEqual({ overflowFrames: 0, droppedBytes: 0, oddSized: 0 });

  // Frame by frame: the caller's tone is generated exactly as the fake Asterisk makes it; the
  // agent's sine within one step of 16-bit rounding. A tone repeats (440 Hz every 5 frames, 1 kHz
  // every frame), so a lost run of whole periods passes this check: the counts above catch it.
  const callerTone = tone(CALLER.hz, { amplitude: CALLER.amplitude });
  const atPhone = s16(Buffer.concat(phone.audio));
  const atAsterisk = Int16Array.from(call.received.samples(), (f) => Math.round(f * 32_768));
  expect(firstWrongFrame(atPhone, (n, out) => callerTone.fill(out, n, WIRE_RATE_HZ), 0), 'first frame at the phone that is not the caller’s next').toBe(-1);
  const agentSample = (k: number): number => Math.round(AGENT.amplitude * 32_767 * Math.sin((2 * Math.PI * AGENT.hz * k) / WIRE_RATE_HZ));
  expect(firstWrongFrame(atAsterisk, (n, out) => out.forEach((_, i) => (out[i] = agentSample(n * FRAME_SAMPLES + i))), 1), 'first frame at Asterisk that is not the agent’s next').toBe(-1);

  // The span of the fault: each tone at its frequency and level.
  const toFloat = (s: Int16Array): Float32Array => Float32Array.from(s, (v) => v / 32_768);
  const heardInSpan = analyseTone(toFloat(atPhone.subarray(from.atPhone * FRAME_SAMPLES)), WIRE_RATE_HZ);
  const spokenInSpan = analyseTone(toFloat(atAsterisk.subarray(from.atAsterisk * FRAME_SAMPLES)), WIRE_RATE_HZ);
  expect(isTone(heardInSpan, CALLER), `the phone heard ${JSON.stringify(heardInSpan)}`).toBe(true);
  expect(isTone(spokenInSpan, AGENT), `Asterisk heard ${JSON.stringify(spokenInSpan)}`).toBe(true);
}
