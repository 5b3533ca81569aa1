/**
 * The in-call audio panel: microphone and speaker choice (the SDK's device APIs; the speaker only
 * where the browser can choose outputs) and the volume. The device lists come with the SDK's call
 * media, which the call loaded when it rang: the drop-in `gag-phone.js` does not carry them.
 * @packageDocumentation
 */
import { html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import type { AudioDevice, AudioDevices, Call } from '@gag/sdk';
import type { CallMedia } from '@gag/sdk/call-media';
import type { Labels } from './labels/en.js';

/**
 * Where the device lists come from: the SDK's call media and `canChooseAudioOutput`, given by the
 * phone (this module is in the lazy call-panels file, which carries no SDK code of its own).
 */
export interface DeviceSource {
  loadCallMedia(): Promise<Pick<CallMedia, 'listAudioDevices' | 'watchAudioDevices'>>;
  canChooseAudioOutput(): boolean;
}

/**
 * The device lists, kept up to date while the panel is open (`open()` … `close()`, and closed
 * when the element leaves the page).
 * @example
 * readonly #devices = new DeviceChoices(this, { loadCallMedia, canChooseAudioOutput });
 * html`${this.#devices.render(t, call, (e) => this.#fail(e))}`
 */
export class DeviceChoices implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly #source: DeviceSource;
  #lists: AudioDevices | undefined;
  #unwatch: (() => void) | undefined;
  /** Between open() and close(): a load that finishes after close() starts no watch. */
  #open = false;

  constructor(host: ReactiveControllerHost, source: DeviceSource) {
    this.#host = host;
    this.#source = source;
    host.addController(this);
  }

  /**
   * List the devices now and follow plugging in and out. Resolves once the lists are in, or the
   * panel was closed before the call media loaded, or it cannot list them (not a secure page).
   */
  open(): Promise<void> {
    this.#open = true;
    return this.#source
      .loadCallMedia()
      .then(({ listAudioDevices, watchAudioDevices }) => {
        if (!this.#open) return;
        this.#unwatch ??= watchAudioDevices((lists) => this.#set(lists));
        return listAudioDevices().then((lists) => this.#set(lists));
      })
      .catch(() => undefined); // not a secure page: the volume still works
  }

  close(): void {
    this.#open = false;
    this.#unwatch?.();
    this.#unwatch = undefined;
  }

  hostDisconnected(): void {
    this.close();
  }

  /** The panel for `call`; a device that cannot be chosen goes to `onError` (the old one stays). */
  render(t: Labels, call: Call, onError: (e: unknown) => void): TemplateResult {
    const choice = (label: string, devices: readonly AudioDevice[], chosen: string, choose: (id: string) => Promise<void>) =>
      devices.length === 0
        ? nothing
        : html`<label>${label}<select @change=${(e: Event) => choose((e.target as HTMLSelectElement).value).catch(onError)}>
            ${devices.map((d) => html`<option value=${d.deviceId} ?selected=${d.deviceId === chosen}>${d.label || label}</option>`)}
          </select></label>`;
    return html`<div class="audio" id="audio" part="audio">
      ${choice(t.microphone, this.#lists?.inputs ?? [], call.microphoneId ?? 'default', (id) => call.setMicrophone(id))}
      ${this.#source.canChooseAudioOutput() ? choice(t.speaker, this.#lists?.outputs ?? [], call.outputId ?? 'default', (id) => call.setOutput(id)) : nothing}
      <label>${t.volume}<input type="range" min="0" max="1" step="0.05" .value=${String(call.volume)}
        @input=${(e: Event) => call.setVolume(Number((e.target as HTMLInputElement).value))} /></label>
    </div>`;
  }

  #set(lists: AudioDevices): void {
    this.#lists = lists;
    this.#host.requestUpdate();
  }
}
