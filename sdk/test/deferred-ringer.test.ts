import { describe, expect, test } from 'vitest';
import type { RingKind } from '../src/audio/ringer.js';
import type { CallMedia } from '../src/call-media-loader.js';
import { DeferredRinger } from '../src/deferred-ringer.js';

/** A stand-in for the Ringer the call media module exports (Node has no Web Audio): it records what it is asked. */
function fakeMedia(result: 'playing' | 'blocked' = 'playing'): { media: CallMedia; calls: string[]; instances: () => number } {
  const calls: string[] = [];
  let instances = 0;
  class Ringer {
    constructor() {
      instances++;
    }
    start(kind: RingKind): Promise<'playing' | 'blocked'> {
      calls.push(`start ${kind}`);
      return Promise.resolve(result);
    }
    stop(): void {
      calls.push('stop');
    }
    unlock(): Promise<boolean> {
      calls.push('unlock');
      return Promise.resolve(true);
    }
    close(): Promise<void> {
      calls.push('close');
      return Promise.resolve();
    }
  }
  return { media: { Ringer } as unknown as CallMedia, calls, instances: () => instances };
}

/** A loader the test releases when it wants, counting how often it was asked. */
function gate(media: CallMedia): { load: () => Promise<CallMedia>; release: () => void; loads: () => number } {
  let release = (): void => undefined;
  const loaded = new Promise<CallMedia>((resolve) => (release = () => resolve(media)));
  let loads = 0;
  return { load: () => (loads++, loaded), release: () => release(), loads: () => loads };
}

describe('the deferred ringer', () => {
  test('rings once its code is loaded, and says what the ringer said (blocked)', async () => {
    const { media, calls } = fakeMedia('blocked');
    const { load, release } = gate(media);
    const ringer = new DeferredRinger(load);
    const started = ringer.start('ringtone');
    expect(calls).toEqual([]);
    release();
    expect(await started).toBe('blocked');
    expect(calls).toEqual(['start ringtone']);
  });

  test('a ring stopped while the code loads never sounds', async () => {
    const { media, calls } = fakeMedia();
    const { load, release } = gate(media);
    const ringer = new DeferredRinger(load);
    const started = ringer.start('ringtone');
    ringer.stop();
    release();
    expect(await started).toBe('playing');
    expect(calls).toEqual([]);
  });

  test('of two starts while loading only the later one rings, with one ringer', async () => {
    const { media, calls, instances } = fakeMedia();
    const { load, release } = gate(media);
    const ringer = new DeferredRinger(load);
    const first = ringer.start('ringtone');
    const second = ringer.start('ringback');
    release();
    await Promise.all([first, second]);
    expect(calls).toEqual(['start ringback']);
    expect(instances()).toBe(1);
    ringer.stop();
    expect(calls).toEqual(['start ringback', 'stop']);
  });

  test('close before any ring loads nothing; unlock loads the code and unlocks the ringer', async () => {
    const { media, calls } = fakeMedia();
    const { load, release, loads } = gate(media);
    const ringer = new DeferredRinger(load);
    await ringer.close();
    expect(loads()).toBe(0);
    const unlocked = ringer.unlock();
    release();
    expect(await unlocked).toBe(true);
    expect(calls).toEqual(['unlock']);
    await ringer.close();
    expect(calls).toEqual(['unlock', 'close']);
  });
});
