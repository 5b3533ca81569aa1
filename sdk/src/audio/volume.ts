/**
 * The output volume of a call: its range and its check, apart from the audio graph so that a
 * `Call` can check a volume before its audio code is loaded.
 * @packageDocumentation
 */
import { GagError } from '../errors.js';

/** The loudest output volume: 1 plays the far end as it arrives; above that it would clip. @example slider.max = String(MAX_VOLUME) */
export const MAX_VOLUME = 1;

/**
 * Check an output volume.
 * @throws GagError `GAG_OPTIONS_INVALID` unless it is a number from 0 to {@link MAX_VOLUME}.
 * @internal
 */
export function checkVolume(volume: unknown): number {
  if (typeof volume !== 'number' || !(volume >= 0 && volume <= MAX_VOLUME)) {
    throw new GagError('GAG_OPTIONS_INVALID', `volume: must be a number from 0 to ${MAX_VOLUME}. Got ${String(volume)}`);
  }
  return volume;
}
