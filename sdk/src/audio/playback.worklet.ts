/**
 * AudioWorkletProcessor `gag-playback`: whole frames of the call's format from the gateway in
 * (transferred ArrayBuffers on the port), the context's rate out. Bundled on its own by the
 * `?worklet` plugin. The format comes in `processorOptions: { format }` (default slin16).
 *
 * Port protocol (main thread → worklet):
 * - an `ArrayBuffer` whose length is a non-zero multiple of `frameBytesOf(format)`: audio to
 *   play, stamped with `currentTime` on arrival for the jitter buffer;
 * - `{ type: 'stats' }`: reply `{ type: 'stats', ...JitterStats, malformed }`.
 * @packageDocumentation
 */
import { wholeFramesOf } from '../wire-units.js';
import { Playout, type PlayoutStats } from './playout.js';
import { formatOption } from './worklet-options.js';

const MS_PER_S = 1_000;

/** The control messages this processor understands (audio comes as bare ArrayBuffers). */
export type PlaybackControlMessage = { type: 'stats' };

/** Reply to `{ type: 'stats' }`. */
export interface PlaybackStatsMessage extends PlayoutStats {
  readonly type: 'stats';
  /** Messages ignored because their length was not a non-zero whole number of frames of the format. */
  readonly malformed: number;
}

class PlaybackProcessor extends AudioWorkletProcessor {
  readonly #playout: Playout;
  #malformed = 0;

  constructor(options?: AudioWorkletNodeOptions) {
    super(options);
    this.#playout = new Playout(sampleRate, formatOption(options));
    this.port.onmessage = (event: MessageEvent<unknown>) => this.#onMessage(event.data);
  }

  // Runs outside process(), so the Int16Array view and the stats object are allowed here.
  #onMessage(data: unknown): void {
    if (data instanceof ArrayBuffer) {
      if (wholeFramesOf(this.#playout.format, data.byteLength) === 0) this.#malformed++;
      // currentTime is the start of the quantum about to render: the arrival time, to a quantum.
      else this.#playout.writeWire(data, currentTime * MS_PER_S);
      return;
    }
    if ((data as Partial<PlaybackControlMessage> | null)?.type === 'stats') {
      const reply: PlaybackStatsMessage = { type: 'stats', ...this.#playout.stats(), malformed: this.#malformed };
      this.port.postMessage(reply);
    }
  }

  /** Allocation-free: one quantum from the playout into channel 0, copied to any other channels. */
  process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    const output = outputs[0];
    const first = output?.[0];
    if (output === undefined || first === undefined) return true;
    this.#playout.render(first, first.length);
    for (let c = 1; c < output.length; c++) output[c]?.set(first);
    return true; // a source node: keep rendering (silence) between frames
  }
}

registerProcessor('gag-playback', PlaybackProcessor);
