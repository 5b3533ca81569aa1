/**
 * What the main thread tells a worklet when it creates it (`processorOptions`), read the same way
 * by both worklets.
 * @packageDocumentation
 */
import { DEFAULT_WIRE_FORMAT, isWireFormat, type WireFormat } from '../wire-units.js';

/** `processorOptions` of `gag-capture` and `gag-playback`. */
export interface WorkletProcessorOptions {
  /** The call's format on the wire (`incoming.format`); default slin16. */
  readonly format?: WireFormat;
}

/** The format in a worklet's options; anything missing or unknown is slin16. */
export function formatOption(options: AudioWorkletNodeOptions | undefined): WireFormat {
  const format = (options?.processorOptions as WorkletProcessorOptions | undefined)?.format;
  return typeof format === 'string' && isWireFormat(format) ? format : DEFAULT_WIRE_FORMAT;
}
