/**
 * WAV files (PCM 16-bit mono) for fake microphones and recordings: Chromium's
 * `--use-file-for-fake-audio-capture` plays one in a loop as the microphone.
 * @packageDocumentation
 */
import { floatToS16le } from './tones.js';

const HEADER_BYTES = 44;

/** A complete WAV file of `samples` (−1…1) at `rateHz`. */
export function wavFile(samples: Float32Array, rateHz: number): Buffer {
  const data = floatToS16le(samples);
  const header = Buffer.alloc(HEADER_BYTES);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(HEADER_BYTES - 8 + data.length, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16); // fmt chunk size
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(rateHz, 24);
  header.writeUInt32LE(rateHz * 2, 28); // bytes per second
  header.writeUInt16LE(2, 32); // block align
  header.writeUInt16LE(16, 34); // bits per sample
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}
