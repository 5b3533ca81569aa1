/**
 * The documentation's screenshots (docs/screenshots/*.png), shared by the specs that take them:
 * each run reaches and checks its states, and with `GAG_UPDATE_SCREENSHOTS=1` also writes the
 * files. Japanese needs a CJK font (Debian: fonts-noto-cjk or fonts-ipafont-gothic), checked
 * before anything is written.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from '@playwright/test';

/** Whether this run writes the files (`GAG_UPDATE_SCREENSHOTS=1`). */
export const UPDATE_SCREENSHOTS = process.env['GAG_UPDATE_SCREENSHOTS'] === '1';
const SHOTS = new URL('../../docs/screenshots/', import.meta.url);

/** Without a CJK font Chromium draws Japanese as boxes: refuse to write such screenshots. */
export function requireJapaneseFont(): void {
  let families = '';
  try {
    families = execFileSync('fc-list', [':lang=ja', 'family'], { encoding: 'utf8' });
  } catch {
    // no fontconfig: the check below says what to install
  }
  if (families.trim() === '') throw new Error('No Japanese font for the screenshots: install one (Debian: apt-get install fonts-noto-cjk)');
}

/**
 * With GAG_UPDATE_SCREENSHOTS=1, write what `target` shows to docs/screenshots/`name`.png: the
 * phone at device scale 2 (sharp and small), the page's viewport at scale 1 (the file stays small).
 */
export async function shoot(target: Locator | Page, name: string): Promise<void> {
  if (!UPDATE_SCREENSHOTS) return;
  const path = fileURLToPath(new URL(`${name}.png`, SHOTS));
  await target.screenshot({ path, animations: 'disabled', caret: 'hide', scale: 'url' in target ? 'css' : 'device' });
}
