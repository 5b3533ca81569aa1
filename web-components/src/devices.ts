/**
 * The in-call audio panel: microphone and speaker choice (the SDK's device APIs; the speaker only
 * where the browser can choose outputs) and the volume.
 * @packageDocumentation
 */
import { html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { canChooseAudioOutput, listAudioDevices, watchAudioDevices, type AudioDevice, type AudioDevices, type Call } from '@gag/sdk';
import type { Labels } from './labels/en.js';

/**
 * The device lists, kept up to date while the panel is open (`open()` … `close()`, and closed
 * when the element leaves the page).
 * @example
 * readonly #devices = new DeviceChoices(this);
 * html`${this.#devices.render(t, call, (e) => this.#fail(e))}`
 */
export class DeviceChoices implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  #lists: AudioDevices | undefined;
  #unwatch: (() => void) | undefined;

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
    host.addController(this);
  }

  /** List the devices now and follow plugging in and out. */
  open(): void {
    this.#unwatch ??= watchAudioDevices((lists) => this.#set(lists));
    listAudioDevices().then((lists) => this.#set(lists), () => undefined); // not a secure page: the volume still works
  }

  close(): void {
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
      ${canChooseAudioOutput() ? choice(t.speaker, this.#lists?.outputs ?? [], call.outputId ?? 'default', (id) => call.setOutput(id)) : nothing}
      <label>${t.volume}<input type="range" min="0" max="1" step="0.05" .value=${String(call.volume)}
        @input=${(e: Event) => call.setVolume(Number((e.target as HTMLInputElement).value))} /></label>
    </div>`;
  }

  #set(lists: AudioDevices): void {
    this.#lists = lists;
    this.#host.requestUpdate();
  }
}
