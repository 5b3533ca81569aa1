/**
 * The fake Asterisk's playout queue (docs/chan-websocket.md#media and #notifications): the
 * frames an app sends wait in a queue played at one frame per 20 ms; MEDIA_XOFF when it passes
 * 900 frames, MEDIA_XON once it falls under 800, at most 1000 frames; MARK_MEDIA,
 * STOP_MEDIA_BUFFERING and REPORT_QUEUE_DRAINED answered when playout gets there. The media clock
 * is faked (it starts at ANSWER), the sockets are real.
 */
import { describe, expect, it, vi } from 'vitest';
import { FRAME_BYTES, FRAME_MS } from '@gag/sdk/protocol';
import type { AppPeer } from './fake-app.js';
import { withFakeAsterisk } from './fake-app.js';

const fake = withFakeAsterisk();

/** Frames per BINARY message: 64,000 bytes, under the 65,500-byte limit. */
const FRAMES_PER_MESSAGE = 100;

/** Send `count` whole slin16 frames as fast as the socket takes them. */
function sendFrames(peer: AppPeer, count: number): void {
  for (let left = count; left > 0; left -= FRAMES_PER_MESSAGE) peer.send(Buffer.alloc(Math.min(left, FRAMES_PER_MESSAGE) * FRAME_BYTES, 1));
}

/** Answer a call on a fake media clock: every 20 ms slot from now on happens only in {@link play}. */
async function answeredOnFakeClock(format: 'text' | 'json' = 'text') {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  const answered = await fake.answered(format === 'json' ? { format } : {});
  const flow: string[] = [];
  answered.call.on('flow', (event) => flow.push(event));
  return { ...answered, flow };
}

/** Let `slots` 20 ms playout slots pass. */
function play(slots: number): void {
  vi.advanceTimersByTime(slots * FRAME_MS);
}

/** GET_STATUS: its reply comes after every notification sent before it, so what precedes it was sent first. */
function askStatus(peer: AppPeer, format: 'text' | 'json' = 'text'): void {
  peer.send(format === 'json' ? '{"command":"GET_STATUS"}' : 'GET_STATUS');
}

describe('the playout queue', () => {
  it('tells an app that sends faster than real time MEDIA_XOFF at 900 queued frames and MEDIA_XON under 800, once each', async () => {
    const { call, peer, flow } = await answeredOnFakeClock();
    const id = call.channelId;
    sendFrames(peer, 899);
    askStatus(peer);
    expect(await peer.nextText()).toBe(`STATUS channel_id:${id} queue_length:899 xon_level:800 xoff_level:900 queue_full:false bulk_media:false media_paused:false`);
    sendFrames(peer, 1);
    expect(await peer.nextText()).toBe('MEDIA_XOFF');
    sendFrames(peer, 50); // still full: no second MEDIA_XOFF
    askStatus(peer);
    expect(await peer.nextText()).toBe(`STATUS channel_id:${id} queue_length:950 xon_level:800 xoff_level:900 queue_full:true bulk_media:false media_paused:false`);

    play(151); // one frame a slot: down to 799
    askStatus(peer);
    expect(await peer.nextText()).toMatch(/ queue_length:799 .* queue_full:true /);
    play(1); // chan_websocket.c decides XON at the start of a slot, on the length before its frame leaves
    expect(await peer.nextText()).toBe('MEDIA_XON');
    play(99);
    askStatus(peer);
    expect(await peer.nextText()).toMatch(/ queue_length:699 .* queue_full:false /);
    expect(flow).toEqual(['MEDIA_XOFF', 'MEDIA_XON']);
    expect(call.received.frames).toBe(950); // all of it taken, none dropped
  });

  it('sends MEDIA_XOFF and MEDIA_XON in JSON byte for byte on a JSON channel', async () => {
    const { call, peer } = await answeredOnFakeClock('json');
    sendFrames(peer, 900);
    expect(await peer.nextText()).toBe(`{"event":"MEDIA_XOFF","channel_id":"${call.channelId}"}`);
    play(102);
    expect(await peer.nextText()).toBe(`{"event":"MEDIA_XON","channel_id":"${call.channelId}"}`);
    askStatus(peer, 'json');
    expect(JSON.parse(await peer.nextText())).toMatchObject({ event: 'STATUS', queue_length: 798, queue_full: false });
  });

  it('never tells an app that sends one frame per slot to stop', async () => {
    const { call, peer, flow } = await answeredOnFakeClock();
    for (let slot = 0; slot < 200; slot++) {
      sendFrames(peer, 1);
      askStatus(peer); // the frame is in before the slot plays it
      expect(await peer.nextText()).toMatch(/ queue_length:1 /);
      play(1);
    }
    expect(call.queue).toEqual({ lengthFrames: 0, full: false, paused: false });
    expect(flow).toEqual([]);
    expect(peer.texts.filter((t) => t.startsWith('MEDIA_X'))).toEqual([]);
  });

  it('holds at most 1000 frames and drops the rest, then plays one frame per 20 ms', async () => {
    const { call, peer } = await answeredOnFakeClock();
    sendFrames(peer, 1_010);
    expect(await peer.nextText()).toBe('MEDIA_XOFF');
    askStatus(peer);
    expect(await peer.nextText()).toMatch(/ queue_length:1000 /);
    expect([call.received.frames, call.received.overflowFrames]).toEqual([1_000, 10]);
    play(50);
    askStatus(peer);
    expect(await peer.nextText()).toMatch(/ queue_length:950 /);
  });

  it('answers MARK_MEDIA once the frames before it are played, and QUEUE_DRAINED once the queue is empty', async () => {
    const { peer } = await answeredOnFakeClock();
    sendFrames(peer, 10);
    peer.send('MARK_MEDIA m-1');
    sendFrames(peer, 5);
    peer.send('REPORT_QUEUE_DRAINED');
    askStatus(peer);
    expect(await peer.nextText()).toMatch(/ queue_length:15 /); // all in before any slot plays
    play(9);
    askStatus(peer);
    expect(await peer.nextText()).toMatch(/^STATUS .* queue_length:6 /); // nothing reported yet
    play(1);
    expect(await peer.nextText()).toBe('MEDIA_MARK_PROCESSED m-1');
    play(4);
    askStatus(peer);
    expect(await peer.nextText()).toMatch(/ queue_length:1 /);
    play(1);
    expect(await peer.nextText()).toBe('QUEUE_DRAINED');
  });

  it('answers STOP_MEDIA_BUFFERING once the buffered audio is played', async () => {
    const { peer } = await answeredOnFakeClock();
    peer.send('START_MEDIA_BUFFERING');
    peer.send(Buffer.alloc(FRAME_BYTES * 2.5, 1));
    peer.send('STOP_MEDIA_BUFFERING b-1');
    askStatus(peer);
    expect(await peer.nextText()).toMatch(/ queue_length:3 .* bulk_media:false /); // the half frame padded to a whole one
    play(3);
    expect(await peer.nextText()).toBe('MEDIA_BUFFERING_COMPLETED b-1');
  });

  it('empties the queue on FLUSH_MEDIA, with MEDIA_XON in the next slot and without the marks it held', async () => {
    const { call, peer, flow } = await answeredOnFakeClock();
    sendFrames(peer, 950);
    expect(await peer.nextText()).toBe('MEDIA_XOFF');
    peer.send('MARK_MEDIA lost');
    peer.send('FLUSH_MEDIA');
    askStatus(peer);
    expect(await peer.nextText()).toMatch(/ queue_length:0 .* queue_full:true /);
    play(1);
    expect(await peer.nextText()).toBe('MEDIA_XON');
    play(10);
    askStatus(peer);
    expect(await peer.nextText()).toMatch(/ queue_length:0 xon_level:800 xoff_level:900 queue_full:false /);
    expect(peer.texts).not.toContain('MEDIA_MARK_PROCESSED lost');
    expect(flow).toEqual(['MEDIA_XOFF', 'MEDIA_XON']);
    expect(call.received.frames).toBe(950); // what arrived stays recorded
  });

  it('stops playing the queue on PAUSE_MEDIA until CONTINUE_MEDIA', async () => {
    const { peer } = await answeredOnFakeClock();
    sendFrames(peer, 10);
    peer.send('PAUSE_MEDIA');
    askStatus(peer);
    expect(await peer.nextText()).toMatch(/ queue_length:10 .* media_paused:true$/);
    play(20);
    askStatus(peer);
    expect(await peer.nextText()).toMatch(/ queue_length:10 .* media_paused:true$/);
    peer.send('CONTINUE_MEDIA');
    askStatus(peer); // CONTINUE_MEDIA is in before the slots
    expect(await peer.nextText()).toMatch(/ media_paused:false$/);
    play(10);
    askStatus(peer);
    expect(await peer.nextText()).toMatch(/ queue_length:0 /);
  });
});
