/**
 * The microphone of a call: a `MediaStream` and its source node, feeding one fixed node of the
 * capture graph. Switching devices opens the new one first and swaps the source node, so the
 * capture worklet behind it never stops and frames keep their 20 ms cadence. A device that goes
 * away (its track ends, or it leaves the device list) falls back to the system's default.
 * @packageDocumentation
 */
import { GagError } from '../errors.js';
import type { AudioDevice, DeviceLost } from './devices.js';

/**
 * Constraints under the caller's: Asterisk and the far end do their own noise suppression and
 * gain; echo cancellation stays on, since browser phones are used with speakers.
 */
export const MICROPHONE_DEFAULTS: Readonly<MediaTrackConstraints> = { echoCancellation: true, noiseSuppression: false, autoGainControl: false };

/** The microphone in use. @example label.textContent = call.audio?.microphone?.label ?? 'no microphone' */
export interface MicrophoneInfo {
  /** The device's id (from the track's settings); `''` if the browser does not say. */
  readonly deviceId: string;
  /** The device's name, e.g. `Headset Microphone`; `''` until the microphone permission is granted. */
  readonly label: string;
}

/**
 * One open microphone connected to `destination`.
 * @example
 * const mic = await Microphone.open(context, captureTap, { onLost: (lost) => tellTheUser(lost) });
 * await mic.switchTo('a1b2…'); // another device, no gap in the frames
 * mic.stop();
 */
export class Microphone {
  readonly #context: AudioContext;
  readonly #destination: AudioNode;
  readonly #constraints: MediaTrackConstraints;
  readonly #onLost: (lost: DeviceLost) => void;
  #stream: MediaStream | undefined;
  #source: MediaStreamAudioSourceNode | undefined;
  #chosenId: string | undefined;
  #stopped = false;
  #recovering: Promise<void> | undefined;

  private constructor(context: AudioContext, destination: AudioNode, constraints: MediaTrackConstraints, onLost: (lost: DeviceLost) => void) {
    this.#context = context;
    this.#destination = destination;
    this.#constraints = constraints;
    this.#onLost = onLost;
  }

  /**
   * Open the microphone (`deviceId`, else the one `microphone` constraints pick) into `destination`.
   * A `deviceId` that cannot be opened falls back to the default microphone. `onLost` runs after a
   * device that went away (or never came) was replaced by the default one (or by nothing).
   * @throws GagError `GAG_MEDIA` with advice for the user.
   */
  static async open(
    context: AudioContext,
    destination: AudioNode,
    options: { microphone?: MediaTrackConstraints | undefined; deviceId?: string | undefined; onLost: (lost: DeviceLost) => void },
  ): Promise<Microphone> {
    const mic = new Microphone(context, destination, { ...MICROPHONE_DEFAULTS, ...options.microphone }, options.onLost);
    // The first time, a deviceId in the caller's constraints counts (e.g. GagClientOptions.microphone).
    const constraints = { ...mic.#constraints };
    if (options.deviceId !== undefined) constraints.deviceId = { exact: options.deviceId };
    try {
      await mic.#use(constraints, options.deviceId);
    } catch (e) {
      if (options.deviceId === undefined) throw e;
      // The chosen device is gone (or refuses): take the default rather than fail the answer.
      await mic.#use(mic.#withoutDevice(), undefined).catch(() => Promise.reject(e));
      const now = mic.info;
      options.onLost({ kind: 'microphone', lostDeviceId: options.deviceId, deviceId: now?.deviceId ?? null, label: now?.label ?? '' });
    }
    return mic;
  }

  /** The device in use, or null when none is (the last one ended and no other could be opened). */
  get info(): MicrophoneInfo | null {
    const track = this.track;
    if (track === undefined) return null;
    return { deviceId: track.getSettings().deviceId ?? '', label: track.label };
  }

  /** The device asked for with {@link Microphone.switchTo}, or undefined for the default. */
  get chosenId(): string | undefined {
    return this.#chosenId;
  }

  /** The live microphone track, if any. */
  get track(): MediaStreamTrack | undefined {
    return this.#stream?.getAudioTracks()[0];
  }

  /**
   * Use the device `deviceId` (undefined: the system's default, whatever the constraints said).
   * The new stream opens before the old one closes; if it fails, the old one stays.
   * @throws GagError `GAG_MEDIA` with advice for the user.
   */
  async switchTo(deviceId: string | undefined): Promise<void> {
    const constraints = this.#withoutDevice();
    await this.#use(deviceId === undefined ? constraints : { ...constraints, deviceId: { exact: deviceId } }, deviceId);
  }

  /** The constraints less any device choice: the system's default microphone. */
  #withoutDevice(): MediaTrackConstraints {
    const { deviceId: _ignored, ...constraints } = this.#constraints;
    return constraints;
  }

  async #use(constraints: MediaTrackConstraints, chosenId: string | undefined): Promise<void> {
    const stream = await openStream(constraints);
    if (this.#stopped) {
      for (const track of stream.getTracks()) track.stop(); // the call ended while the device opened
      return;
    }
    const source = this.#context.createMediaStreamSource(stream);
    source.connect(this.#destination);
    this.#detach();
    this.#stream = stream;
    this.#source = source;
    this.#chosenId = chosenId;
    for (const track of stream.getAudioTracks()) track.addEventListener('ended', this.#ended);
  }

  /** The device list changed: fall back if the chosen device left it, or the track ended unnoticed. */
  checkDevices(inputs: readonly AudioDevice[]): void {
    const chosen = this.#chosenId;
    if (this.track?.readyState === 'ended' || (chosen !== undefined && !inputs.some((d) => d.deviceId === chosen))) void this.#fallBack();
  }

  /** Stop the device for good; the destination then gets no input (the capture worklet sends silence). */
  stop(): void {
    this.#stopped = true;
    this.#detach();
  }

  readonly #ended = (): void => void this.#fallBack();

  /** Open the default device (one attempt at a time), or go on with no input (the frames carry silence). */
  #fallBack(): Promise<void> {
    this.#recovering ??= (async () => {
      const lostDeviceId = this.#chosenId ?? this.info?.deviceId ?? '';
      try {
        await this.switchTo(undefined);
      } catch {
        this.#detach(); // no microphone at all, until the user chooses one
      }
      const now = this.info;
      if (!this.#stopped) this.#onLost({ kind: 'microphone', lostDeviceId, deviceId: now?.deviceId ?? null, label: now?.label ?? '' });
    })().finally(() => (this.#recovering = undefined));
    return this.#recovering;
  }

  #detach(): void {
    for (const track of this.#stream?.getTracks() ?? []) {
      track.removeEventListener('ended', this.#ended);
      track.stop();
    }
    this.#source?.disconnect();
    this.#stream = undefined;
    this.#source = undefined;
  }
}

async function openStream(constraints: MediaTrackConstraints): Promise<MediaStream> {
  if (typeof navigator === 'undefined' || navigator.mediaDevices?.getUserMedia === undefined) {
    throw new GagError('GAG_MEDIA', 'the microphone is only available on a secure page — open the phone over https (or on localhost)');
  }
  try {
    return await navigator.mediaDevices.getUserMedia({ audio: constraints });
  } catch (e) {
    throw new GagError('GAG_MEDIA', microphoneAdvice(e), { cause: e });
  }
}

/** What to tell the user for each getUserMedia failure (DOMException names from Media Capture and Streams). */
function microphoneAdvice(e: unknown): string {
  const name = e instanceof Error ? e.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'microphone permission denied — allow the microphone for this site (the icon in the address bar) and answer again';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'no usable microphone found — connect one or choose another input device, then answer again';
    case 'NotReadableError':
    case 'AbortError':
      return 'the microphone could not be opened — close other applications that use it, then answer again';
    default:
      return `the microphone could not be opened (${name || 'unknown error'}) — check the browser's microphone settings and answer again`;
  }
}
