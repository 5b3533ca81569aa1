/**
 * Devices in Chromium's fake media (`--use-fake-device-for-media-stream`): three silent fake
 * microphones and three fake outputs, with labels.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { analyseTone, fillSineS16, rms } from '@gag/e2e/tones';
import { CallAudio, type CallAudioOptions } from '../../src/audio/call-audio.js';
import { canChooseAudioOutput, listAudioDevices, type AudioDevice, type DeviceLost } from '../../src/audio/devices.js';
import { FRAME_MS, FRAME_SAMPLES, WIRE_RATE_HZ } from '../../src/wire-units.js';
import { Call } from '../../src/call.js';
import { GagClient } from '../../src/client.js';
import { deviceSettings } from '../../examples/devices.js';

const TONE_HZ = 440;
const TONE_AMPLITUDE = 0.5;
const dB = (ratio: number): number => 20 * Math.log10(ratio);

let audio: CallAudio | undefined;
afterEach(async () => {
  await audio?.stop();
  audio = undefined;
});

async function fakeInput(label: string): Promise<AudioDevice> {
  const device = (await listAudioDevices()).inputs.find((d) => d.label === label);
  if (device === undefined) throw new Error(`no ${label}`);
  return device;
}

/** A call's audio whose far end plays a steady 440 Hz tone: one frame in for every frame out, locked to the audio clock. */
async function callPlayingTone(options: Partial<CallAudioOptions> = {}): Promise<{ audio: CallAudio; framesOut: () => number }> {
  let sample = 0;
  let framesOut = 0;
  const started = await CallAudio.start({
    ...options,
    onFrame: () => {
      framesOut++;
      const frame = new Int16Array(FRAME_SAMPLES);
      fillSineS16(frame, TONE_HZ, WIRE_RATE_HZ, TONE_AMPLITUDE, sample);
      sample += FRAME_SAMPLES;
      audio?.play(frame.buffer);
    },
  });
  audio = started;
  return { audio: started, framesOut: () => framesOut };
}

/** The level heard right now, from the playback tap (after the volume). */
function heard(a: CallAudio): { levelDb: number; hz: number } {
  const samples = new Float32Array(a.diagnostics.playback.fftSize);
  a.diagnostics.playback.getFloatTimeDomainData(samples);
  return { levelDb: dB(rms(samples)), hz: analyseTone(samples, a.sampleRateHz).hz };
}
const TONE_DB = dB(TONE_AMPLITUDE / Math.SQRT2);

/**
 * Wait until three readings in a row (each a fresh poll, ~186 ms of audio) are within `toleranceDb`
 * of `expectedDb`, so a playout hiccup on a busy machine cannot pass or fail it alone; their median.
 */
async function steadyLevel(a: CallAudio, expectedDb: number, toleranceDb: number): Promise<{ levelDb: number; hz: number }> {
  const last: Array<{ levelDb: number; hz: number }> = [];
  await expect
    .poll(() => {
      last.push(heard(a));
      if (last.length > 3) last.shift();
      return last.length === 3 && last.every((r) => Math.abs(r.levelDb - expectedDb) <= toleranceDb);
    }, { timeout: 5_000, interval: 60, message: `the level settles at ${expectedDb.toFixed(2)} dBFS` })
    .toBe(true);
  return [...last].sort((x, y) => x.levelDb - y.levelDb)[1]!;
}

describe('audio devices in Chromium', () => {
  test('lists the fake microphones and outputs with their labels', async () => {
    const { inputs, outputs, labelled } = await listAudioDevices({ askPermission: true });
    expect(labelled).toBe(true);
    expect(inputs.map((d) => d.label)).toEqual(expect.arrayContaining(['Fake Default Audio Input', 'Fake Audio Input 1', 'Fake Audio Input 2']));
    expect(outputs.map((d) => d.label)).toEqual(expect.arrayContaining(['Fake Default Audio Output', 'Fake Audio Output 1']));
    expect(inputs.every((d) => d.deviceId !== '' && d.groupId !== '')).toBe(true);
    expect(canChooseAudioOutput()).toBe(true);
  });

  test('a call opens the chosen fake microphone, and switching mid-call loses no frame', async () => {
    const one = await fakeInput('Fake Audio Input 1');
    const two = await fakeInput('Fake Audio Input 2');
    const { audio: a, framesOut } = await callPlayingTone({ microphoneId: one.deviceId });
    expect(a.microphone).toEqual({ deviceId: one.deviceId, label: 'Fake Audio Input 1' });
    await expect.poll(framesOut).toBeGreaterThanOrEqual(10);

    await a.setMicrophone(two.deviceId);
    expect(a.microphone).toEqual({ deviceId: two.deviceId, label: 'Fake Audio Input 2' });
    const switchedAt = framesOut();
    await expect.poll(framesOut).toBeGreaterThanOrEqual(switchedAt + 25);
    const { capture } = await a.stats();
    // Every quantum the context rendered became frames, across the switch: the framer's output
    // matches the audio time it read (less the resampler's few-ms delay and the frame being
    // filled), no frame was dropped, and the main thread got them all.
    const audioFrames = capture.inputSamples / a.sampleRateHz / (FRAME_MS / 1000);
    console.info(`mic switch: ${capture.framesSent} frames sent for ${audioFrames.toFixed(2)} frames of audio, ${capture.framesDropped} dropped, ${framesOut()} received`);
    expect(capture.framesSent).toBeLessThanOrEqual(audioFrames);
    expect(capture.framesSent).toBeGreaterThanOrEqual(audioFrames - 2);
    expect(capture.framesDropped).toBe(0);
    expect(framesOut()).toBeGreaterThanOrEqual(capture.framesSent - 1);
    expect(one.deviceId).not.toBe(two.deviceId);
  });

  test('an unplugged microphone (its track ends) falls back to the default one and says so', async () => {
    const one = await fakeInput('Fake Audio Input 1');
    const lost: DeviceLost[] = [];
    const { audio: a, framesOut } = await callPlayingTone({ microphoneId: one.deviceId, onDeviceLost: (l) => lost.push(l) });
    const track = a.microphoneTrack;
    // The browser ends a track when its device goes; a dispatched `ended` is the same event.
    track?.dispatchEvent(new Event('ended'));
    await expect.poll(() => lost).toEqual([{ kind: 'microphone', lostDeviceId: one.deviceId, deviceId: 'default', label: 'Fake Default Audio Input' }]);
    expect(track?.readyState).toBe('ended'); // the old one let go
    expect(a.microphone?.deviceId).toBe('default');
    const at = framesOut();
    await expect.poll(framesOut).toBeGreaterThan(at + 5); // frames go on
  });

  test('a saved microphone or output that is gone falls back to the default at the start of the call, and says so', async () => {
    const lost: DeviceLost[] = [];
    const { audio: a, framesOut } = await callPlayingTone({ microphoneId: 'unplugged-mic', outputId: 'unplugged-speaker', onDeviceLost: (l) => lost.push(l) });
    expect(lost).toEqual([
      { kind: 'microphone', lostDeviceId: 'unplugged-mic', deviceId: 'default', label: 'Fake Default Audio Input' },
      { kind: 'output', lostDeviceId: 'unplugged-speaker', deviceId: '', label: '' },
    ]);
    expect(a.outputId).toBe('');
    await expect.poll(framesOut).toBeGreaterThan(5);
  });

  test('the volume halves the level heard at the playback tap', async () => {
    const { audio: a } = await callPlayingTone();
    const full = await steadyLevel(a, TONE_DB, 1);
    a.setVolume(0.5);
    expect(a.volume).toBe(0.5);
    const half = await steadyLevel(a, full.levelDb - 6.02, 0.5);
    console.info(`volume: ${full.levelDb.toFixed(2)} dBFS at 1, ${half.levelDb.toFixed(2)} dBFS at 0.5 (${(half.levelDb - full.levelDb).toFixed(2)} dB), ${half.hz} Hz`);
    expect(Math.abs(half.hz - TONE_HZ)).toBeLessThanOrEqual(0.02 * TONE_HZ);
    expect(() => a.setVolume(1.5)).toThrow(expect.objectContaining({ code: 'GAG_OPTIONS_INVALID' }));
    expect(() => a.setVolume(Number.NaN)).toThrow(expect.objectContaining({ code: 'GAG_OPTIONS_INVALID' }));
  });

  test('the output can be set to the default device and to a fake one, and the call still plays', async () => {
    const { audio: a } = await callPlayingTone();
    await a.setOutput('default');
    expect(a.outputId).toBe('default');
    const other = (await listAudioDevices()).outputs.find((d) => d.label === 'Fake Audio Output 1');
    await a.setOutput(other?.deviceId);
    expect(a.outputId).toBe(other?.deviceId);
    await steadyLevel(a, TONE_DB, 1);
    await expect(a.setOutput('no-such-device')).rejects.toMatchObject({ code: 'GAG_MEDIA' });
    expect(a.outputId).toBe(other?.deviceId);
  });
});

describe("the README's device-settings example (examples/devices.ts)", () => {
  test('fills the microphone choices and gives a ringing call the saved microphone, output and volume', async () => {
    const client = new GagClient({ url: 'ws://127.0.0.1:9', token: 't', ringtone: false }); // never connected: calls are handed in below
    const select = document.body.appendChild(document.createElement('select'));
    const two = await fakeInput('Fake Audio Input 2');
    const saved = { microphoneId: two.deviceId, outputId: 'default', volume: 0.5 };
    const stop = await deviceSettings(client, select, saved);
    expect([...select.options].map((o) => o.text)).toEqual(expect.arrayContaining(['Fake Default Audio Input', 'Fake Audio Input 1', 'Fake Audio Input 2']));
    expect(select.value).toBe(two.deviceId);

    const transport = { sendControl: () => undefined, sendDtmf: () => false, sendAudio: () => true, packetMs: () => 20 as const, forget: () => undefined, measureRtt: async () => null };
    const call = new Call({ type: 'incoming', callId: 'c1', extension: '2001', callerNumber: null, callerName: null, group: null }, transport);
    client.emit('incoming', call);
    expect(call.volume).toBe(0.5);
    await expect.poll(() => call.microphoneId).toBe(two.deviceId);
    await expect.poll(() => call.outputId).toBe('default');
    stop();
    select.remove();
  });
});
