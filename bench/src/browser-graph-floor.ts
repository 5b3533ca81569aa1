/**
 * The floor under the call's audio-thread figure (issue 22): the same Web Audio graph as a call
 * (the fake microphone's source node, two in-line AnalyserNode taps, a capture and a playback
 * AudioWorkletNode, a gain, the destination) in an AudioContext of its own on the idle page, with
 * worklets that only fill their output. Measured twice: the graph alone (Chromium's share of the
 * call's figure), then with the call's port traffic and nothing done with it (a 640-byte buffer
 * every 20 ms from the main thread to the playback worklet, and one from the capture worklet to
 * the main thread, whose buffers come back four at a time, transferred as the SDK does). The call's figure minus the second is
 * what our two worklets' code costs on that thread.
 * @packageDocumentation
 */
import type { CDPSession, Page } from 'playwright-core';
import { deadline } from './bounded.js';
import { measureCpu, type CpuWindow } from './chromium-cpu.js';

/** As the SDK's diagnostics taps (sdk/src/audio/call-graph.ts TAP_FFT_SIZE). */
const TAP_FFT_SIZE = 8192;
const STEP_TIMEOUT_MS = 20_000;
/** One slin16 frame: 20 ms at 16 kHz, 2 bytes a sample. */
const FRAME_BYTES = 640;
const FRAME_MS = 20;

/**
 * Fills its output with a constant level (a native fill: a silent output would let Chromium skip
 * the gain, the tap and the mixing downstream, which a call's audio never does). With `traffic`,
 * the capture side posts a pooled frame buffer every 20 ms of audio, as gag-capture does.
 */
const NOOP_SOURCE = `registerProcessor('gag-bench-noop', class extends AudioWorkletProcessor {
  constructor(options) {
    super();
    this.traffic = options.processorOptions.traffic;
    this.pool = [];
    for (let i = 0; i < 12; i++) this.pool.push(new ArrayBuffer(${FRAME_BYTES}));
    this.transfer = [null];
    this.samples = 0;
    this.perFrame = Math.round(sampleRate * ${FRAME_MS} / 1000);
    this.port.onmessage = (e) => { if (Array.isArray(e.data) && this.traffic === 'capture') this.pool.push(...e.data); };
  }
  process(inputs, outputs) {
    outputs[0]?.[0]?.fill(0.001);
    if (this.traffic === 'capture' && (this.samples += 128) >= this.perFrame) {
      this.samples -= this.perFrame;
      const buffer = this.pool.pop();
      if (buffer !== undefined) { this.transfer[0] = buffer; this.port.postMessage(buffer, this.transfer); }
    }
    return true;
  }
});`;

/** In the page: build the graph as sdk/src/audio/call-graph.ts buildGraph() does, with CallAudio's microphone constraints. */
const START = `(async ([source, traffic]) => {
  const ctx = new AudioContext();
  const stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: false, autoGainControl: false } });
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  try { await ctx.audioWorklet.addModule(url); } finally { URL.revokeObjectURL(url); }
  const mic = new MediaStreamAudioSourceNode(ctx, { mediaStream: stream });
  const captureTap = new AnalyserNode(ctx, { fftSize: ${TAP_FFT_SIZE} });
  const capture = new AudioWorkletNode(ctx, 'gag-bench-noop', { numberOfInputs: 1, numberOfOutputs: 1, outputChannelCount: [1], channelCount: 1, channelCountMode: 'explicit', channelInterpretation: 'speakers', processorOptions: { traffic: traffic ? 'capture' : 'none' } });
  const playback = new AudioWorkletNode(ctx, 'gag-bench-noop', { numberOfInputs: 0, numberOfOutputs: 1, outputChannelCount: [1], processorOptions: { traffic: 'none' } });
  const gain = new GainNode(ctx, { gain: 1 });
  const playbackTap = new AnalyserNode(ctx, { fftSize: ${TAP_FFT_SIZE} });
  mic.connect(captureTap).connect(capture).connect(ctx.destination);
  playback.connect(gain).connect(playbackTap).connect(ctx.destination);
  await ctx.resume();
  let timer;
  if (traffic) {
    const back = [];
    capture.port.onmessage = (e) => { back.push(e.data); if (back.length === 4) { const buffers = back.splice(0); capture.port.postMessage(buffers, buffers); } };
    timer = setInterval(() => { const frame = new ArrayBuffer(${FRAME_BYTES}); playback.port.postMessage(frame, [frame]); }, ${FRAME_MS});
  }
  window.__gagFloor = { ctx, stream, timer };
  return ctx.state;
})`;

const STOP = `(async () => {
  const floor = window.__gagFloor;
  clearInterval(floor.timer);
  for (const track of floor.stream.getTracks()) track.stop();
  await floor.ctx.close();
})()`;

/** Build the graph on the (idle) page, with or without the call's port traffic, measure a CPU window, and take it down again. */
export async function measureGraphFloor(page: Page, browserCdp: CDPSession, pageCdp: CDPSession, windowMs: number, traffic: boolean): Promise<CpuWindow> {
  const state = await deadline(page.evaluate(`${START}(${JSON.stringify([NOOP_SOURCE, traffic])})`), STEP_TIMEOUT_MS, 'building the empty graph');
  if (state !== 'running') throw new Error(`the empty graph's AudioContext is ${String(state)}, not running`);
  try {
    return await measureCpu(browserCdp, pageCdp, windowMs);
  } finally {
    await deadline(page.evaluate(STOP), STEP_TIMEOUT_MS, 'closing the empty graph');
  }
}
