/**
 * The audio panel's device lists (`DeviceChoices`), which come with the SDK's call media (the
 * drop-in bundle does not carry them), in Chromium's fake media: opened, the panel lists the
 * microphones and follows `devicechange` until it is closed; closed before the call media has
 * loaded, it starts no watch.
 */
import { afterEach, expect, test, vi } from 'vitest';
import { render, type ReactiveControllerHost } from 'lit';
import { canChooseAudioOutput, type Call } from '@gag/sdk';
import { loadCallMedia } from '@gag/sdk/call-media';
import { DeviceChoices } from '../../src/devices.js';
import { en } from '../../src/labels/en.js';

afterEach(() => {
  vi.restoreAllMocks();
});

/** A host that counts the updates it is asked for. */
function countingHost(): ReactiveControllerHost & { readonly updates: number } {
  let updates = 0;
  return {
    addController: () => undefined,
    removeController: () => undefined,
    requestUpdate: () => void updates++,
    updateComplete: Promise.resolve(true),
    get updates() {
      return updates;
    },
  };
}

/** The call the panel is for: only what it reads. */
const call = { microphoneId: undefined, outputId: undefined, volume: 1 } as unknown as Call;

/** The `devicechange` listeners added to (or removed from) `navigator.mediaDevices` through `spy`. */
const deviceChange = (spy: { mock: { calls: unknown[][] } }): unknown[] => spy.mock.calls.filter(([type]) => type === 'devicechange').map(([, listener]) => listener);

test('closed before the call media has loaded, the panel starts no watch and lists nothing', async () => {
  const added = vi.spyOn(navigator.mediaDevices, 'addEventListener');
  const host = countingHost();
  const devices = new DeviceChoices(host, { loadCallMedia, canChooseAudioOutput });

  const opened = devices.open();
  devices.close();
  await opened; // the panel's own continuation has run, after the call media loaded

  expect(deviceChange(added)).toEqual([]);
  expect(host.updates).toBe(0);
});

test('opened, the panel lists the microphones the SDK lists and watches devicechange; closed, it stops watching', async () => {
  const added = vi.spyOn(navigator.mediaDevices, 'addEventListener');
  const removed = vi.spyOn(navigator.mediaDevices, 'removeEventListener');
  const host = countingHost();
  const devices = new DeviceChoices(host, { loadCallMedia, canChooseAudioOutput });

  await devices.open();
  expect(host.updates).toBeGreaterThan(0);
  const { inputs } = await (await loadCallMedia()).listAudioDevices();
  expect(inputs.length).toBeGreaterThan(0);
  const root = document.createElement('div');
  render(devices.render(en, call, () => undefined), root);
  const microphones = root.querySelector('select')!;
  expect([...microphones.options].map((o) => o.value)).toEqual(inputs.map((d) => d.deviceId));
  expect(deviceChange(added)).toHaveLength(1);

  devices.close();
  expect(deviceChange(removed)).toEqual(deviceChange(added));
});
