/**
 * A Call's `quality` events with its real audio graph in Chromium (the fake microphone, which
 * beeps at ~400 Hz, and a 440 Hz far end), the connection replaced by a transport that records
 * what the call sends.
 */
import { afterEach, describe, expect, test, vi } from 'vitest';
import { dbfs, fillSineS16 } from '@gag/e2e/tones';
import { CONCEAL_MAX_MS } from '../../src/audio/jitter-buffer.js';
import { s16ToFloat } from '../../src/audio/pcm.js';
import { Call } from '../../src/call.js';
import type { CallTransport } from '../../src/call-events.js';
import { MIN_LEVEL_DBFS, QUALITY_INTERVAL_MS, type CallQuality } from '../../src/call-quality.js';
import { FRAME_MS, FRAME_SAMPLES, WIRE_RATE_HZ } from '../../src/wire-units.js';
import { steadyMicrophone } from './steady-microphone.js';

const RTT_MS = 12.5;

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

function talkingCall(): { call: Call; sent: ArrayBuffer[]; controls: string[]; pings: AbortSignal[] } {
  const sent: ArrayBuffer[] = [];
  const controls: string[] = [];
  const pings: AbortSignal[] = [];
  let sample = 0;
  const transport: CallTransport = {
    sendControl: (message) => {
      controls.push(message.type);
      if (message.type === 'answer') queueMicrotask(() => call.answered()); // the gateway's answered
    },
    sendDtmf: () => false,
    sendAudio: (frame) => {
      sent.push(frame.slice(0)); // the buffer goes back to the worklet's pool after this call
      // The far end: a frame of 440 Hz for every frame sent, as Asterisk's 20 ms cadence would.
      const reply = new Int16Array(FRAME_SAMPLES);
      fillSineS16(reply, 440, WIRE_RATE_HZ, 0.5, sample);
      sample += FRAME_SAMPLES;
      call.play(reply.buffer);
      return sent.length % 10 !== 0; // every tenth frame: the connection was backed up
    },
    packetMs: () => 20, forget: () => undefined,
    measureRtt: (_timeoutMs, signal) => {
      pings.push(signal);
      return Promise.resolve(RTT_MS);
    },
  };
  const call = new Call({ type: 'incoming', callId: 'c1', extension: '2001', callerNumber: '0312345678', callerName: null, group: null }, transport);
  return { call, sent, controls, pings };
}

describe('quality events of a call in Chromium', () => {
  test(`a talking call reports every ${QUALITY_INTERVAL_MS} ms, and its timer ends with the call`, async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    steadyMicrophone(); // Chromium's default fake one beeps on and off: the meter's and the frames' windows would differ
    const { call, sent, controls, pings } = talkingCall();
    const reports: CallQuality[] = [];
    call.on('quality', (q) => reports.push(q));
    await call.answer();
    expect(call.state).toBe('talking');
    expect(vi.getTimerCount()).toBe(1);
    expect(pings).toHaveLength(1); // the first ping goes out as the call starts talking
    await expect.poll(() => sent.length, { timeout: 5_000 }).toBeGreaterThanOrEqual(50);

    await vi.advanceTimersByTimeAsync(QUALITY_INTERVAL_MS);
    await expect.poll(() => reports.length).toBe(1);
    const [q] = reports;
    console.info('quality', JSON.stringify(q));
    const refused = Math.floor(sent.length / 10);
    expect(q!.rttMs).toBe(RTT_MS);
    // The far end answers every frame the call offers, in step, so the playout is audio with at
    // most a hiccup on a busy machine; each time it runs dry it conceals for CONCEAL_MAX_MS at most.
    expect(Number.isInteger(q!.underruns) && Number.isInteger(q!.concealedFrames)).toBe(true);
    expect(q!.underruns).toBeLessThanOrEqual(Math.floor(q!.framesReceived / 10));
    expect(q!.concealedFrames).toBeGreaterThanOrEqual(0);
    expect(q!.concealedFrames).toBeLessThanOrEqual(q!.underruns * Math.ceil(CONCEAL_MAX_MS / FRAME_MS));
    expect(q!.framesReceived).toBeLessThanOrEqual(sent.length); // one answer per frame offered, refused ones too
    // The level meter agrees with the level of the frames the call sent over (nearly) the same time.
    const wire = new Float32Array(sent.length * FRAME_SAMPLES);
    sent.forEach((frame, i) => s16ToFloat(new Int16Array(frame), wire, FRAME_SAMPLES, 0, i * FRAME_SAMPLES));
    console.info(`input level ${q!.inputLevelDbfs.toFixed(2)} dBFS, frames sent ${dbfs(wire).toFixed(2)} dBFS`);
    expect(q!.inputLevelDbfs).toBeGreaterThan(MIN_LEVEL_DBFS);
    expect(Math.abs(q!.inputLevelDbfs - dbfs(wire))).toBeLessThanOrEqual(1.5);
    // Counted as the call sent them: refused frames are "not sent".
    expect(q!.framesSent + q!.framesNotSent).toBeLessThanOrEqual(sent.length);
    expect(q!.framesNotSent).toBeGreaterThanOrEqual(Math.floor((q!.framesSent + q!.framesNotSent) / 10));
    expect(q!.framesNotSent).toBeLessThanOrEqual(refused + 1);
    expect(q!.framesReceived).toBeGreaterThan(40); // the far end's frames reached the jitter buffer
    expect(q!.targetMs).toBeGreaterThan(0);

    call.hangup();
    expect(controls).toEqual(['answer', 'hangup']);
    expect(vi.getTimerCount()).toBe(0); // the quality timer is cleared on ended
    expect(pings[1]?.aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(3 * QUALITY_INTERVAL_MS);
    expect(reports).toHaveLength(1);
  });

  test('volume and devices chosen while ringing are the ones answer() uses', async () => {
    const { call } = talkingCall();
    call.setVolume(0.25);
    await call.setOutput('default');
    const inputs = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'audioinput');
    const second = inputs.find((d) => d.label === 'Fake Audio Input 2');
    await call.setMicrophone(second?.deviceId);
    await call.answer();
    expect(call.audio?.volume).toBe(0.25);
    expect(call.audio?.outputId).toBe('default');
    expect(call.audio?.microphone?.deviceId).toBe(second?.deviceId);
    expect(() => call.setVolume(-1)).toThrow(expect.objectContaining({ code: 'GAG_OPTIONS_INVALID' }));
    call.hangup();
    await expect(call.setMicrophone(undefined)).rejects.toMatchObject({ code: 'GAG_CALL_STATE' });
  });
});
