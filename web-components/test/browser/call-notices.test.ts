/**
 * The notices of an answered call on `<gag-phone>` (call-notices.ts), in Chromium: the recording
 * badge and the supervisor's notice in one polite live region, each shown from the call's
 * `recording` and `supervisor`, their end said once they were shown, nothing before.
 */
import { afterEach, expect, test } from 'vitest';
import { render } from 'lit';
import type { Call } from '@gag/sdk';
import { CallNotices } from '../../src/call-notices.js';
import { en, type Labels } from '../../src/labels/en.js';
import { ja } from '../../src/labels/ja.js';

const root = document.createElement('div');
document.body.append(root);
afterEach(() => render(null, root));

type Notices = Pick<Call, 'recording' | 'supervisor'>;
/** What the region shows after rendering `call`: each notice's part and text. */
function shown(notices: CallNotices, call: Notices, labels: Labels = en): string[] {
  render(notices.render(labels, call), root);
  const region = root.querySelector('.notices')!;
  expect(region.getAttribute('aria-live')).toBe('polite');
  return [...region.children].map((e) => `${e.getAttribute('part')}: ${(e.textContent ?? '').replace(/\s+/g, ' ').trim()}`);
}

test('nothing is shown until the gateway says something, and the region is there already', () => {
  expect(shown(new CallNotices(), { recording: 'off', supervisor: null })).toEqual([]);
});

test('the recording badge follows on, paused and off, and says it stopped once it was on; a new call starts afresh', () => {
  const notices = new CallNotices();
  expect(shown(notices, { recording: 'on', supervisor: null })).toEqual(['recording: ● Recording']);
  expect(shown(notices, { recording: 'paused', supervisor: null })).toEqual(['recording: ● Recording paused']);
  expect(shown(notices, { recording: 'off', supervisor: null })).toEqual(['recording: Recording stopped']);
  notices.reset();
  expect(shown(notices, { recording: 'off', supervisor: null })).toEqual([]);
});

test('the supervisor’s notice names each mode, beside the badge, and says the supervisor left', () => {
  const notices = new CallNotices();
  expect(shown(notices, { recording: 'on', supervisor: 'listen' }, ja)).toEqual(['recording: ● 録音中', 'supervised: 管理者がモニター中']);
  expect(shown(notices, { recording: 'on', supervisor: 'whisper' }, ja)).toEqual(['recording: ● 録音中', 'supervised: 管理者がささやいています']);
  expect(shown(notices, { recording: 'on', supervisor: 'barge' }, ja)).toEqual(['recording: ● 録音中', 'supervised: 管理者が通話に参加しています']);
  expect(shown(notices, { recording: 'on', supervisor: null }, ja)).toEqual(['recording: ● 録音中', 'supervised: 管理者が退出しました']);
  // The dot is decoration: a screen reader reads the words only.
  expect(root.querySelector('[part="recording"] [aria-hidden="true"]')?.textContent).toBe('●');
});
