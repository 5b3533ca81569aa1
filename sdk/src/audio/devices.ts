/**
 * Audio devices: list microphones and outputs, watch for changes, and route an `AudioContext` to
 * an output (`AudioContext.setSinkId`, feature-detected).
 * @packageDocumentation
 */
import { GagError } from '../errors.js';

/**
 * A microphone or an audio output, as `enumerateDevices()` describes it.
 * @example new Option(device.label || 'Microphone', device.deviceId)
 */
export interface AudioDevice {
  /** Pass it to `call.setMicrophone()` / `call.setOutput()`. `'default'` is the system's choice in Chromium. */
  readonly deviceId: string;
  /** Devices of one physical unit (a headset's mic and earpiece) share it. */
  readonly groupId: string;
  /** Empty until the user has allowed the microphone on this page. */
  readonly label: string;
}

/**
 * A chosen device went away (unplugged or revoked), or was not there when the call started; the
 * call goes on with the default one.
 * @example call.on('deviceLost', (lost) => toast(`${lost.kind} unplugged: using ${lost.deviceId === null ? 'no microphone' : 'the default'}`))
 */
export interface DeviceLost {
  /** Which kind of device went away. */
  readonly kind: 'microphone' | 'output';
  /** The device that went away (`''`: the default one). */
  readonly lostDeviceId: string;
  /** The device in use now (`''`: the default output), or null when no microphone could be opened (the call sends silence). */
  readonly deviceId: string | null;
  /** Its label, if known. */
  readonly label: string;
}

/** What {@link listAudioDevices} found. @example const { inputs, outputs, labelled } = await listAudioDevices(); */
export interface AudioDevices {
  /** The microphones, in the browser's order. */
  readonly inputs: readonly AudioDevice[];
  /** The speakers and headsets; Firefox and Safari may list none ({@link canChooseAudioOutput}). */
  readonly outputs: readonly AudioDevice[];
  /** Whether the labels are known (the microphone permission was granted); without it browsers list at most one device of each kind. */
  readonly labelled: boolean;
}

/** Options of {@link listAudioDevices}. @example await listAudioDevices({ askPermission: true }) */
export interface ListAudioDevicesOptions {
  /**
   * When the labels are still hidden, open the microphone for a moment to ask for the permission
   * (the browser may show its prompt), then list again. Call it from a click.
   */
  readonly askPermission?: boolean;
}

/** The part of `navigator.mediaDevices` this module needs, or undefined (an insecure page, or Node). */
function mediaDevices(): MediaDevices | undefined {
  return typeof navigator === 'undefined' ? undefined : navigator.mediaDevices;
}

/**
 * The microphones and audio outputs. Before the microphone permission, labels are empty and
 * browsers show at most one device of each kind (often with an empty `deviceId`); after a call
 * was answered (or with `askPermission`) the list is complete. Firefox and Safari may list no
 * outputs: choosing one is then not possible ({@link canChooseAudioOutput}).
 * @throws GagError `GAG_MEDIA` when the page cannot see media devices (not https), or the permission was refused with `askPermission`.
 * @example
 * const { inputs, outputs } = await listAudioDevices({ askPermission: true });
 * micSelect.replaceChildren(...inputs.map((d) => new Option(d.label || 'Microphone', d.deviceId)));
 */
export async function listAudioDevices(options: ListAudioDevicesOptions = {}): Promise<AudioDevices> {
  const devices = mediaDevices();
  if (devices?.enumerateDevices === undefined) {
    throw new GagError('GAG_MEDIA', 'media devices are only available on a secure page — open the phone over https (or on localhost)');
  }
  let found = await devices.enumerateDevices();
  if (options.askPermission === true && !found.some((d) => d.label !== '')) {
    let stream: MediaStream;
    try {
      stream = await devices.getUserMedia({ audio: true });
    } catch (cause) {
      throw new GagError('GAG_MEDIA', 'microphone permission denied — allow the microphone for this site to see the device names', { cause });
    }
    for (const track of stream.getTracks()) track.stop();
    found = await devices.enumerateDevices();
  }
  const of = (kind: MediaDeviceKind): AudioDevice[] =>
    found.filter((d) => d.kind === kind).map((d) => ({ deviceId: d.deviceId, groupId: d.groupId, label: d.label }));
  return { inputs: of('audioinput'), outputs: of('audiooutput'), labelled: found.some((d) => d.label !== '') };
}

/**
 * Call `onChange` with the new lists whenever a device is plugged in or out (`devicechange`).
 * Returns the function that stops watching.
 * @example
 * const stop = watchAudioDevices(({ inputs }) => renderMicChoices(inputs));
 * // later: stop();
 */
export function watchAudioDevices(onChange: (devices: AudioDevices) => void): () => void {
  const devices = mediaDevices();
  if (devices === undefined) return () => undefined;
  const listener = (): void => {
    listAudioDevices().then(onChange, () => undefined); // a page that lost access lists nothing new
  };
  devices.addEventListener('devicechange', listener);
  return () => devices.removeEventListener('devicechange', listener);
}

/**
 * `AudioContext.setSinkId` (Chromium 110+; not yet in lib.dom). `''` is the default output.
 * @internal
 */
export interface SinkSelectable {
  setSinkId(sinkId: string): Promise<void>;
  readonly sinkId?: unknown;
}

const hasSetSinkId = (context: object): context is SinkSelectable =>
  typeof (context as Partial<SinkSelectable>).setSinkId === 'function';

/**
 * Whether this browser can play a call on a chosen output device (`AudioContext.setSinkId`).
 * Where it cannot, the call plays on the system's default output.
 * @example
 * outputSelect.hidden = !canChooseAudioOutput();
 */
export function canChooseAudioOutput(): boolean {
  return typeof AudioContext !== 'undefined' && hasSetSinkId(AudioContext.prototype);
}

/**
 * Route `context` to the output `deviceId` (`''`: the system's default; Chromium also lists it as `'default'`).
 * @throws GagError `GAG_MEDIA` when the browser cannot choose outputs, or the device is gone or not allowed.
 * @internal
 */
export async function setOutputDevice(context: object, deviceId: string): Promise<void> {
  if (!hasSetSinkId(context)) {
    throw new GagError('GAG_MEDIA', 'this browser cannot choose the audio output (no AudioContext.setSinkId) — choose it in the system sound settings');
  }
  try {
    await context.setSinkId(deviceId);
  } catch (cause) {
    const name = cause instanceof Error ? cause.name : '';
    const advice = name === 'NotFoundError' ? 'that audio output is not connected — choose another one' : `the audio output could not be chosen (${name || 'unknown error'})`;
    throw new GagError('GAG_MEDIA', advice, { cause });
  }
}

/**
 * Route a new call's `context` to `chosen` (undefined or `''`: the default). A chosen output that
 * is gone, or cannot be chosen in this browser, falls back to the default rather than failing the
 * answer, and `onLost` says so. Resolves the output in use.
 * @internal
 */
export async function startOnOutput(context: object, chosen: string | undefined, onLost: ((lost: DeviceLost) => void) | undefined): Promise<string> {
  if (chosen === undefined || chosen === '') return '';
  try {
    await setOutputDevice(context, chosen);
    return chosen;
  } catch {
    onLost?.({ kind: 'output', lostDeviceId: chosen, deviceId: '', label: '' });
    return '';
  }
}
