/**
 * The parts of the AudioWorkletGlobalScope that lib.dom lacks, for `*.worklet.ts`, and the
 * `?worklet` import that `sdk/build/worklet-plugin.ts` serves.
 *
 * This is a global script (no import or export), because wildcard module declarations must be.
 * lib.dom already declares the main-thread side (`AudioWorkletNode`, `AudioWorkletNodeOptions`,
 * `MessagePort`); this file only adds names lib.dom does not have, so the two never clash.
 * The cost: these names also type-check in main-thread files, where they do not exist at run time.
 * Only `*.worklet.ts` may use them.
 */

/** The base class of every processor, in the AudioWorkletGlobalScope only. */
interface AudioWorkletProcessor {
  /** The processor's end of the port; the node's `port` is the other end. */
  readonly port: MessagePort;
}

/**
 * Constructor of {@link AudioWorkletProcessor}. Subclasses implement
 * `process(inputs, outputs, parameters): boolean`; returning false lets the node be collected.
 */
declare var AudioWorkletProcessor: {
  prototype: AudioWorkletProcessor;
  new (options?: AudioWorkletNodeOptions): AudioWorkletProcessor;
};

/** Register a processor class under the name an `AudioWorkletNode` is created with. */
declare function registerProcessor(
  name: string,
  processorCtor: new (options?: AudioWorkletNodeOptions) => AudioWorkletProcessor,
): void;

/** The `AudioContext`'s sample rate, Hz (AudioWorkletGlobalScope only). */
declare var sampleRate: number;
/** Frame number of the render quantum being processed (AudioWorkletGlobalScope only). */
declare var currentFrame: number;
/** Context time of the render quantum being processed, seconds (AudioWorkletGlobalScope only). */
declare var currentTime: number;

/**
 * `import source, { url } from './x.worklet.ts?worklet'`: the worklet and everything it imports,
 * bundled into one self-contained ES module: as a string (for a Blob URL and
 * `audioWorklet.addModule`), or, in a build with the plugin's `emit: 'file'`, as a file of its own
 * at `url` (then `source` is empty).
 */
declare module '*?worklet' {
  const source: string;
  export default source;
  export const url: string | undefined;
}
