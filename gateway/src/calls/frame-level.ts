/**
 * How loud one 20 ms frame of a call's codec is, so the uplink pacer (`uplink-pace.ts`) can take
 * out or repeat a quiet frame rather than one in the middle of a word. The audio is only read,
 * never changed: the gateway still relays the bytes it got.
 * @packageDocumentation
 */
import { ALAW_TO_S16, ULAW_TO_S16 } from '@gag/sdk/g711';
import type { WireFormat } from '@gag/sdk/protocol';

/**
 * Mean square of one frame's samples, in s16 units squared (full scale sine ≈ 5.4e8): the frame at
 * `offset` in `bytes`, `samples` samples of `format` long. Allocation-free.
 * @example frameEnergy('slin16', frames, 0, 320) // 0 for digital silence
 */
export function frameEnergy(format: WireFormat, bytes: Buffer, offset: number, samples: number): number {
  let sum = 0;
  if (format === 'slin16' || format === 'slin') {
    for (let i = 0; i < samples; i++) {
      const s = bytes.readInt16LE(offset + 2 * i);
      sum += s * s;
    }
  } else {
    const table = format === 'ulaw' ? ULAW_TO_S16 : ALAW_TO_S16;
    for (let i = 0; i < samples; i++) {
      const s = table[bytes[offset + i] ?? 0] ?? 0;
      sum += s * s;
    }
  }
  return sum / samples;
}

/** Energy of a full-scale s16 sample squared: `energyDbfs` is relative to it. */
const FULL_SCALE_ENERGY = 32_768 * 32_768;

/**
 * A {@link frameEnergy} as dBFS (0 for a full-scale square wave, about −3 for a full-scale sine).
 * @example energyDbfs(frameEnergy('slin16', frames, 0, 320)) // -Infinity for digital silence
 */
export const energyDbfs = (energy: number): number => 10 * Math.log10(energy / FULL_SCALE_ENERGY);

/** The energy of `dbfs` (inverse of {@link energyDbfs}). @example dbfsEnergy(-50) */
export const dbfsEnergy = (dbfs: number): number => FULL_SCALE_ENERGY * 10 ** (dbfs / 10);
