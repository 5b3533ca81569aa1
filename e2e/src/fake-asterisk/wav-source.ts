/**
 * A WAV file as what the caller says: read once, mixed down to mono, and converted to the call's
 * rate (16 kHz for slin16, 8 kHz for slin, ulaw and alaw) by the SDK's resampler — the one
 * sample-rate converter of the repository.
 * @packageDocumentation
 */
import { readFileSync } from 'node:fs';
import { GagError } from '@gag/sdk/protocol';
import { Resampler } from '@gag/sdk/resampler';
import { readWav } from '../wav.js';
import { clipSource, type AudioSource } from './sources.js';

/**
 * Options of {@link wavSource}.
 * @example call.play(wavSource('test/hello.wav', { loop: false, gainDb: -6 }));
 */
export interface WavSourceOptions {
  /** Play it again from the start when it ends (default `true`); `false`: silence after it. */
  readonly loop?: boolean;
  /** Gain in dB applied to the file's samples (default 0); the result is clipped at full scale. */
  readonly gainDb?: number;
}

/** Input samples pushed into the resampler at a time. */
const CHUNK_SAMPLES = 2_048;

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * A WAV file played by the caller: PCM 16-bit, mono or stereo (mixed down), at any rate from 8 to
 * 192 kHz, converted to the call's rate; looped by default. A file path is read at once, so a
 * wrong file fails here rather than in the middle of a call.
 * @throws GagError `GAG_OPTIONS_INVALID` naming the file: it cannot be read, it is not a 16-bit
 * PCM WAV ({@link readWav} says what is wrong), it holds no audio, or `gainDb` is not finite.
 * @example call.play(wavSource('test/hello-44k-stereo.wav'))
 * @example call.play(wavSource(wavFile(sineFloat(700, 44_100, 44_100), 44_100), { loop: false }))
 */
export function wavSource(file: string | Uint8Array, options: WavSourceOptions = {}): AudioSource {
  const name = typeof file === 'string' ? file : 'WAV bytes';
  const gainDb = options.gainDb ?? 0;
  if (!Number.isFinite(gainDb)) throw new GagError('GAG_OPTIONS_INVALID', `wavSource: 'gainDb' must be a finite number. Got '${gainDb}'`);
  let bytes: Uint8Array;
  try {
    bytes = typeof file === 'string' ? readFileSync(file) : file;
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? 'error';
    throw new GagError('GAG_OPTIONS_INVALID', `wavSource: cannot read ${name} (${code})`, { cause });
  }
  const wav = readWav(bytes, name);
  if (wav.samples.length === 0) throw new GagError('GAG_OPTIONS_INVALID', `${name}: no audio (its 'data' chunk is empty)`);
  const gain = 10 ** (gainDb / 20);
  return clipSource((rateHz) => {
    const clip = resampleLoop(wav.samples, wav.rateHz, rateHz);
    return gain === 1 ? clip : clip.map((s) => s * gain);
  }, options.loop ?? true);
}

/**
 * `samples` at `fromHz` converted to `toHz` as a loop: the filter sees the clip's end before its
 * start and its start after its end, so a looped clip joins without the filter's ramp. The
 * result holds `length · toHz / fromHz` samples, rounded.
 * @internal
 * @example resampleLoop(sineFloat(700, 44_100, 44_100), 44_100, 16_000).length // 16000
 */
export function resampleLoop(samples: Float32Array, fromHz: number, toHz: number): Float32Array {
  if (fromHz === toHz || samples.length === 0) return samples;
  const resampler = new Resampler(fromHz, toHz);
  const g = gcd(fromHz, toHz);
  const [up, down] = [toHz / g, fromHz / g];
  // The clip's tail goes first, a whole number of `down` input samples long, so that the output
  // for the clip's first sample falls exactly on an output sample: skip the outputs before it.
  const lead = Math.ceil(resampler.filterLength / down) * down;
  const skip = (lead * up) / down;
  const out = new Float32Array(Math.max(1, Math.round((samples.length * toHz) / fromHz)));
  const chunk = new Float32Array(CHUNK_SAMPLES);
  const length = samples.length;
  let fed = 0;
  let skipped = 0;
  let written = 0;
  // Each turn pushes the input the resampler has room for and pulls the output it has ready.
  while (written < out.length) {
    const need = Math.min(resampler.inputNeeded(skip - skipped + out.length - written), resampler.inputSpace, CHUNK_SAMPLES);
    for (let i = 0; i < need; i++) chunk[i] = samples[(((fed + i - lead) % length) + length) % length] ?? 0;
    const pushed = resampler.push(chunk, need);
    fed += pushed;
    const pulled = skipped < skip ? resampler.pull(chunk, Math.min(skip - skipped, CHUNK_SAMPLES)) : resampler.pull(out, out.length - written, written);
    if (skipped < skip) skipped += pulled;
    else written += pulled;
    if (pushed === 0 && pulled === 0) throw new RangeError(`resampleLoop: no progress at ${written} of ${out.length} samples`); // a bug, never input
  }
  return out;
}
