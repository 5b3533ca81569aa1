/**
 * The fixtures for tests of what other systems hear of a call (issue 20,
 * docs/fork-and-record.md): a fake speech or AI service the gateway forks calls to, and a fresh
 * folder it records calls into, each set on the gateway for one test and gone after it.
 * @packageDocumentation
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from '@playwright/test';
import { FakeForkReceiver } from '../fake-fork/receiver.js';
import type { GagAsterisk } from './asterisk.js';
import type { GagEnv } from './gag-env.js';

/**
 * A {@link FakeForkReceiver} on loopback with the gateway's `fork_url` pointing at it for the
 * test (which calls are forked is the test's: a rule through `gag.configure`, or the API); closed after.
 * @example await withForkReceiver(gag, async (receiver) => { … });
 */
export async function withForkReceiver(gag: GagEnv, use: (receiver: FakeForkReceiver) => Promise<void>): Promise<void> {
  const receiver = await FakeForkReceiver.listen();
  try {
    await gag.configure({ config: { fork_url: receiver.url } });
    await use(receiver);
  } finally {
    await receiver.close();
  }
}

/**
 * A fresh folder set as the gateway's `recording_dir` for the test. After it, every call is hung
 * up and every recording has finished its files before the folder is removed.
 * @example await withRecordingDir(gag, asterisk, async (dir) => { … });
 */
export async function withRecordingDir(gag: GagEnv, asterisk: GagAsterisk, use: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'gag-e2e-recordings-'));
  try {
    await gag.configure({ config: { recording_dir: dir } });
    await use(dir);
    await asterisk.close();
    await expect.poll(() => gag.gateway.router.calls.length, { message: 'calls left over in the gateway' }).toBe(0);
    await expect.poll(() => liveRecordings(dir), { message: 'recordings still writing their files' }).toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Recordings in `dir` whose sidecar says they are still being written (`recording`, `paused`). */
function liveRecordings(dir: string): number {
  const status = (name: string): string | undefined => {
    try {
      return (JSON.parse(readFileSync(join(dir, name), 'utf8')) as { status?: string }).status;
    } catch {
      return undefined; // not a sidecar
    }
  };
  return readdirSync(dir).filter((n) => n.endsWith('.json') && ['recording', 'paused'].includes(status(n) ?? '')).length;
}
