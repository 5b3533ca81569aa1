/**
 * The fake Asterisk's side of the codecs a call may be dialled with (`c(slin16)`, `c(slin)`,
 * `c(ulaw)`, `c(alaw)`): s16 samples to wire bytes and back, as chan_websocket sends and takes them.
 * @packageDocumentation
 */
import { bytesPerSampleOf, type WireFormat } from '@gag/sdk/protocol';
import { decodeG711, encodeG711 } from '@gag/sdk/g711';

/**
 * Wire bytes of `samples` in `codec`: s16le for slin and slin16, one G.711 byte a sample otherwise.
 * @example encodeSamples('ulaw', new Int16Array(160)).length // 160
 */
export function encodeSamples(codec: WireFormat, samples: Int16Array): Buffer {
  const bytes = Buffer.alloc(samples.length * bytesPerSampleOf(codec));
  if (codec === 'ulaw' || codec === 'alaw') encodeG711(codec, samples, bytes, samples.length);
  else for (let i = 0; i < samples.length; i++) bytes.writeInt16LE(samples[i] ?? 0, i * 2);
  return bytes;
}

/**
 * s16 samples of wire bytes in `codec` (a trailing partial sample is ignored).
 * @example decodeSamples('alaw', frame).length // 160
 */
export function decodeSamples(codec: WireFormat, bytes: Uint8Array): Int16Array {
  const count = Math.floor(bytes.length / bytesPerSampleOf(codec));
  const samples = new Int16Array(count);
  if (codec === 'ulaw' || codec === 'alaw') decodeG711(codec, bytes, samples, count);
  else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < count; i++) samples[i] = view.getInt16(i * 2, true);
  }
  return samples;
}
