/**
 * The dialer of `<gag-phone>` as `tel-links` drives it: a click on a `tel:` link while a dial is
 * under way (a double click) does not open the system's phone app, nor dial twice.
 */
import { expect, test } from 'vitest';
import { GagClient } from '@gag/sdk';
import { Dialer } from '../../src/dialer.js';
import { en } from '../../src/labels/en.js';

/** A client whose click-to-call the gateway has not answered yet: it records the numbers asked for. */
class WaitingClient extends GagClient {
  readonly dialed: string[] = [];

  constructor() {
    super({ url: 'wss://gateway.invalid', token: 'unused', ringtone: false });
  }

  override dial(number: string): Promise<never> {
    this.dialed.push(number);
    return new Promise(() => undefined);
  }
}

test('a second click on a tel: link while the first dial is under way is taken (no system phone app) and dials nothing more', () => {
  const client = new WaitingClient();
  const dialer = new Dialer({ addController: () => undefined, removeController: () => undefined, requestUpdate: () => undefined, updateComplete: Promise.resolve(true) }, {
    readyClient: () => client,
    labels: () => en,
    failed: () => undefined,
    started: () => undefined,
  });
  expect(dialer.dialLink('0312345678')).toBe(true);
  expect(dialer.dialLink('0312345678')).toBe(true);
  expect(client.dialed).toEqual(['0312345678']);
});
