/**
 * WAV files (PCM 16-bit) in and out: the package's one writer and one reader. Fake microphones
 * (Chromium's `--use-file-for-fake-audio-capture` plays one in a loop), recordings of what the
 * fake Asterisk received, and WAV files played into calls ({@link wavSource}).
 * @packageDocumentation
 */
import { GagError } from '@gag/sdk/protocol';
import { floatToS16le } from './tones.js';

const HEADER_BYTES = 44;
const RIFF_HEADER_BYTES = 12;
const CHUNK_HEADER_BYTES = 8;
/** `fmt ` format tags: plain PCM, and WAVE_FORMAT_EXTENSIBLE (whose sub-format GUID starts with the real tag). */
const FORMAT_PCM = 1;
const FORMAT_EXTENSIBLE = 0xfffe;
/** Offset of the sub-format tag inside an extensible `fmt ` chunk. */
const EXTENSIBLE_SUBFORMAT_OFFSET = 24;
/** Sample rates {@link readWav} takes: telephone 8 kHz to studio 192 kHz. */
const MIN_RATE_HZ = 8_000;
const MAX_RATE_HZ = 192_000;
/** Full scale of a signed 16-bit sample (÷32768, as `s16leToFloat`). */
const S16_FULL_SCALE = 32_768;

/**
 * A complete mono PCM 16-bit WAV file at `rateHz`: of float samples (−1…1, scaled ×32767 and
 * clamped as {@link floatToS16le}), or of s16 samples written exactly as they are.
 * @example writeFileSync('mic.wav', wavFile(sineFloat(1000, 48_000, 48_000), 48_000))
 */
export function wavFile(samples: Float32Array | Int16Array, rateHz: number): Buffer {
  // An Int16Array's bytes are s16le on every platform Node runs on (x64, arm64).
  const data = samples instanceof Int16Array ? Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength) : floatToS16le(samples);
  const header = Buffer.alloc(HEADER_BYTES);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(HEADER_BYTES - 8 + data.length, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16); // fmt chunk size
  header.writeUInt16LE(FORMAT_PCM, 20);
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(rateHz, 24);
  header.writeUInt32LE(rateHz * 2, 28); // bytes per second
  header.writeUInt16LE(2, 32); // block align
  header.writeUInt16LE(16, 34); // bits per sample
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

/**
 * What {@link readWav} read from a WAV file.
 * @example const { rateHz, samples } = readWav(readFileSync('recording.wav'));
 */
export interface WavAudio {
  /** The file's sample rate, Hz. */
  readonly rateHz: number;
  /** Channels in the file: 1 or 2. */
  readonly channels: number;
  /** The audio as floats (s16 ÷ 32768), mixed down to mono (the mean of the channels). */
  readonly samples: Float32Array;
  /** Each channel apart, as floats (s16 ÷ 32768): `[mono]`, or `[left, right]` (a recording's caller and agent). */
  readonly channelSamples: readonly Float32Array[];
}

/**
 * Read a PCM 16-bit WAV file, mono or stereo, at any rate from 8 to 192 kHz (plain PCM or
 * WAVE_FORMAT_EXTENSIBLE; chunks other than `fmt ` and `data` are skipped). A `data` size larger
 * than the file (a recording cut short, or a streaming writer's 0xFFFFFFFF) is read to the end.
 * @param name how errors name the file, e.g. its path.
 * @throws GagError `GAG_OPTIONS_INVALID` naming the file and what is wrong with it: not a WAV,
 * no `fmt ` or `data` chunk, not PCM, not 16-bit, more than two channels, a rate out of range.
 * @example const { rateHz, samples } = readWav(readFileSync('hello.wav'), 'hello.wav');
 */
export function readWav(bytes: Uint8Array, name = 'WAV data'): WavAudio {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bad = (what: string): GagError => new GagError('GAG_OPTIONS_INVALID', `${name}: ${what}`);
  if (buf.length < RIFF_HEADER_BYTES || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') {
    throw bad('not a WAV file (no RIFF/WAVE header)');
  }
  let fmt: Buffer | undefined;
  let data: Buffer | undefined;
  // Each chunk moves the offset forward by at least its header, so the walk ends.
  for (let at = RIFF_HEADER_BYTES; at + CHUNK_HEADER_BYTES <= buf.length && data === undefined; ) {
    const id = buf.toString('ascii', at, at + 4);
    const size = buf.readUInt32LE(at + 4);
    const body = buf.subarray(at + CHUNK_HEADER_BYTES, Math.min(buf.length, at + CHUNK_HEADER_BYTES + size));
    if (id === 'fmt ') fmt = body;
    if (id === 'data') data = body;
    at += CHUNK_HEADER_BYTES + size + (size % 2); // chunks are padded to an even size
  }
  if (fmt === undefined || fmt.length < 16) throw bad("no 'fmt ' chunk before the audio");
  if (data === undefined) throw bad("no 'data' chunk");
  const tag = fmt.readUInt16LE(0);
  const format = tag === FORMAT_EXTENSIBLE && fmt.length >= EXTENSIBLE_SUBFORMAT_OFFSET + 2 ? fmt.readUInt16LE(EXTENSIBLE_SUBFORMAT_OFFSET) : tag;
  const channels = fmt.readUInt16LE(2);
  const rateHz = fmt.readUInt32LE(4);
  const bits = fmt.readUInt16LE(14);
  const convert = 'convert it with: sox in.wav -b 16 -e signed-integer out.wav';
  if (format !== FORMAT_PCM) throw bad(`format tag ${format} is not PCM (${format === 3 ? '32-bit float' : 'compressed'}); ${convert}`);
  if (bits !== 16) throw bad(`${bits}-bit samples; only 16-bit PCM is supported; ${convert}`);
  if (channels !== 1 && channels !== 2) throw bad(`${channels} channels; only mono or stereo is supported; convert it with: sox in.wav -c 1 out.wav`);
  if (!(Number.isInteger(rateHz) && rateHz >= MIN_RATE_HZ && rateHz <= MAX_RATE_HZ)) {
    throw bad(`sample rate ${rateHz} Hz is outside ${MIN_RATE_HZ}–${MAX_RATE_HZ} Hz`);
  }
  const frames = Math.floor(data.length / (2 * channels));
  const samples = new Float32Array(frames);
  const channelSamples = Array.from({ length: channels }, () => new Float32Array(frames));
  for (let i = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) {
      const s16 = data.readInt16LE((i * channels + c) * 2);
      channelSamples[c]![i] = s16 / S16_FULL_SCALE;
      sum += s16;
    }
    samples[i] = sum / channels / S16_FULL_SCALE;
  }
  return { rateHz, channels, samples, channelSamples };
}
