/**
 * TokenLifetime on its own: a token already past its last second when the session starts
 * watching it (a login that stalled between verifying it and logging in) lapses through the
 * timer, so the session that holds the watcher hears it — it used to lapse inside the
 * constructor, before the session held it, and the session stayed online, never ringing, never closed.
 */
import { expect, test } from 'vitest';
import type { TokenClaims } from '../src/access/token.js';
import { TokenLifetime } from '../src/browser/token-lifetime.js';

test('a token already due lapses after the constructor returned, once, to a holder that has it', async () => {
  const heard: Array<{ why: string; held: boolean }> = [];
  let holder: TokenLifetime | undefined;
  const claims: TokenClaims = { extension: '2001', expiresAtMs: Date.now() - 60_000 };
  holder = new TokenLifetime('a.b.c', claims, (why) => void heard.push({ why, held: holder !== undefined }));
  expect(heard).toEqual([]);
  await expect.poll(() => heard).toEqual([{ why: 'expired', held: true }]);
  expect(holder.lapsed).toBe(true);
  holder.dispose();
});
