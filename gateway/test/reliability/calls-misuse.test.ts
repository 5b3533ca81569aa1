/**
 * Browsers that misuse calls, while a healthy call talks on the same gateway: answering or
 * hanging up a call that is not theirs, answering after the caller left or twice, logging in
 * twice or many times at once, and never reading (backpressure). Each case asserts what the
 * gateway did (messages, commands, log lines, counters) and that the healthy call still carries
 * its tones.
 */
import { describe, expect, test } from 'vitest';
import { FRAME_BYTES } from '@gag/sdk/protocol';
import { TestPhone } from '@gag/testkit/phone';
import { roundTrip } from '@gag/testkit/round-trip';
import { BUSY_CLOSE_CODE } from '../../src/browser/legacy.js';
import { LegacyTestPhone } from '../legacy-phone.js';
import { healthyGateway, tcpOf } from './healthy-call.js';

// Row 80 logs in 30 phones at once with one token: past the session limits' defaults (20 per
// extension, 10 per token), which connection-limits.test.ts tests.
const g = healthyGateway({ max_sessions_per_extension: 30, max_sessions_per_token: 30 });
const noCall = (callId: string) => expect.objectContaining({ msg: 'message for no call of this session', callId });

describe('call ids that are not the sender’s', () => {
  test('answer, reject and hangup for the healthy call from another extension change nothing', async () => {
    const other = await g.phone('2002');
    for (const type of ['answer', 'reject', 'hangup'] as const) other.send({ type, callId: g.healthy.callId });
    other.send({ type: 'ping', id: 1 });
    await other.next('pong');
    for (let i = 0; i < 3; i++) expect(g.logs.filter((l) => l.msg === 'message for no call of this session')[i]).toEqual(noCall(g.healthy.callId));
    expect(other.messages).toEqual([]);
    expect(g.healthy.call.commands).toEqual(['ANSWER']);
    await g.healthy.stillFlows();
  });

  test('answer after the caller hung up is dropped: no ANSWER reaches anyone', async () => {
    const phone = await g.phone('2002');
    const call = await g.t.asterisk.call('ws-ext-2002');
    const { callId } = await phone.next('incoming');
    await call.hangup();
    expect(await phone.next('ended')).toEqual({ type: 'ended', callId, reason: 'caller_hangup' });
    phone.send({ type: 'answer', callId });
    phone.send({ type: 'ping', id: 1 });
    await phone.next('pong');
    expect(g.logs).toContainEqual(noCall(callId));
    expect(call.commands).toEqual([]);
    expect(phone.ws.readyState).toBe(phone.ws.OPEN);
    await g.healthy.stillFlows();
  });

  test('answering the same call twice sends ANSWER once', async () => {
    const phone = await g.phone('2002');
    const call = await g.t.asterisk.call('ws-ext-2002');
    const { callId } = await phone.next('incoming');
    phone.send({ type: 'answer', callId });
    phone.send({ type: 'answer', callId });
    await phone.next('answered');
    phone.send({ type: 'ping', id: 1 });
    await phone.next('pong');
    expect(g.logs).toContainEqual(expect.objectContaining({ msg: 'answer while in another call dropped', callId }));
    expect(call.commands).toEqual(['ANSWER']);
    await g.healthy.stillFlows();
  });
});

describe('logins', () => {
  test('a duplicate gag.v1 login (the same token twice) is a second phone: both ring, one answers, the other hears answered_elsewhere', async () => {
    const token = await g.t.token('2002');
    const [a, b] = await Promise.all([TestPhone.login(g.t.gw.browserUrl, token), TestPhone.login(g.t.gw.browserUrl, token)]);
    try {
      expect(g.t.gw.registry.sessionsFor('2002')).toHaveLength(2);
      const call = await g.t.asterisk.call('ws-ext-2002');
      const [ia, ib] = await Promise.all([a.next('incoming'), b.next('incoming')]);
      expect(ia.callId).toBe(ib.callId);
      b.send({ type: 'answer', callId: ib.callId });
      await call.answered;
      expect(await a.next('ended')).toEqual({ type: 'ended', callId: ia.callId, reason: 'answered_elsewhere' });
      await call.hangup();
    } finally {
      a.close();
      b.close();
    }
    await g.healthy.stillFlows();
  });

  test('a duplicate legacy login gets BUSY and close 1008; the first stays online', async () => {
    const token = await g.t.token('2002');
    const first = await LegacyTestPhone.connect(g.t.gw.browserUrl, { token });
    const second = await LegacyTestPhone.connect(g.t.gw.browserUrl, { token });
    try {
      await second.next('BUSY');
      expect(await second.closed).toEqual({ code: BUSY_CLOSE_CODE, reason: 'extension already online' });
      expect(g.logs).toContainEqual(expect.objectContaining({ msg: 'refused: extension already online', code: 1008, exten: '2002' }));
      expect(first.ws.readyState).toBe(first.ws.OPEN);
      expect(g.t.gw.registry.sessionsFor('2002')).toHaveLength(1);
    } finally {
      first.close();
      second.close();
    }
    await g.healthy.stillFlows();
  });

  test('rapid re-logins: 30 at once, then 20 log in and drop one after the other; nothing is left online', async () => {
    const token = await g.t.token('2002');
    const burst = await Promise.all(Array.from({ length: 30 }, () => TestPhone.login(g.t.gw.browserUrl, token)));
    expect(g.t.gw.registry.sessionsFor('2002')).toHaveLength(30);
    for (const p of burst) p.close();
    for (let i = 0; i < 20; i++) {
      const p = await TestPhone.login(g.t.gw.browserUrl, token);
      p.close(); // dropped without a close frame, before the next one logs in
    }
    await expect.poll(() => g.t.gw.registry.sessionsFor('2002').length).toBe(0);
    expect(g.logs.filter((l) => l.msg === 'browser online' && l['exten'] === '2002')).toHaveLength(50);
    await expect.poll(() => g.logs.filter((l) => l.msg === 'browser offline' && l['exten'] === '2002').length).toBe(50);
    // Nobody is left to ring: a call for 2002 is hung up at once.
    const call = await g.t.asterisk.call('ws-ext-2002');
    expect(await call.ended).toMatchObject({ by: 'app-hangup' });
    await g.healthy.stillFlows();
  });
});

describe('backpressure', () => {
  test('a browser that never reads: past its backlog every further message is dropped, none queued, and it keeps its call', async () => {
    const { phone, rogue, callId } = await g.talkingWithRogue();
    const socket = tcpOf(phone.ws);
    socket.pause(); // the browser stops reading; its kernel buffers fill, then the gateway's
    const session = g.t.gw.registry.sessionsFor('2002')[0]!;
    const burst = Buffer.alloc(100 * FRAME_BYTES, 1); // 2 s of audio per message
    const sentMessages = await (async () => {
      // Asterisk sends 2 s of audio per message, faster than real time, until the gateway drops (bounded: 256 MB).
      for (let batch = 1; batch <= 200; batch++) {
        for (let i = 0; i < 20; i++) rogue.binary(burst);
        await new Promise<void>((resolve) => rogue.ws.send(Buffer.alloc(0), { binary: true }, () => resolve()));
        if (session.stats.framesDroppedBacklog > 0) return batch * 20;
      }
      return undefined;
    })();
    expect(sentMessages, 'the gateway never dropped a frame').toBeDefined();
    expect(session.stats.framesDroppedBacklog).toBeGreaterThan(0);
    // Counted once, by the phone, in 20 ms frames; the totals are summed from the phones' counters.
    expect(g.t.gw.activity.relay.framesDroppedToBrowser).toBeGreaterThanOrEqual(session.stats.framesDroppedBacklog);
    // From now on nothing more is queued for it: 40 more messages (2.5 MB) are all dropped.
    const queued = session.stats.framesOut;
    const dropped = session.stats.framesDroppedBacklog;
    for (let i = 0; i < 40; i++) rogue.binary(burst);
    await new Promise<void>((resolve) => rogue.ws.send(Buffer.alloc(0), { binary: true }, () => resolve()));
    await expect.poll(() => session.stats.framesDroppedBacklog).toBeGreaterThanOrEqual(dropped + 40 * 100);
    // (One more message of 100 frames may slip into a kernel buffer that grew; measured: none.)
    expect(session.stats.framesOut - queued).toBeLessThanOrEqual(100);
    expect(g.t.gw.router.calls.find((c) => c.extension === '2002')?.state).toBe('talking');
    expect(phone.ws.readyState).toBe(phone.ws.OPEN);
    await g.healthy.stillFlows(); // while the other browser is still stuck
    // The browser reads again: once it has drained what was queued, fresh audio (sent in real time) reaches it.
    socket.resume();
    const marked = Buffer.alloc(FRAME_BYTES, 0x42);
    const pump = setInterval(() => rogue.binary(marked), 20);
    try {
      await expect.poll(() => phone.audio.at(-1)?.[0], { timeout: 5_000 }).toBe(0x42);
    } finally {
      clearInterval(pump);
    }
    phone.send({ type: 'hangup', callId });
    await rogue.command('HANGUP');
  });

  test('an Asterisk that never reads: past one second of unread audio every further frame is dropped, none queued, and the call stays', async () => {
    const { phone, rogue, callId } = await g.talkingWithRogue();
    tcpOf(rogue.ws).pause(); // Asterisk's socket is stuck: no XOFF comes, its kernel buffers fill, then the gateway's
    const relay = g.t.gw.activity.relay;
    const burst = Buffer.alloc(50 * FRAME_BYTES, 1); // 1 s of audio per message (the most a browser may send at once)
    /** Send `count` bursts; resolves once ws has written the last one. */
    const send = (count: number): Promise<void> => {
      for (let i = 1; i < count; i++) phone.ws.send(burst, { binary: true });
      return new Promise((resolve) => phone.ws.send(burst, { binary: true }, () => resolve()));
    };
    const droppedBefore = relay.framesDroppedToAsterisk;
    // The browser sends 1 s of audio per message, faster than real time, until the gateway drops (bounded: 128 MB).
    for (let batch = 0; batch < 200 && relay.framesDroppedToAsterisk === droppedBefore; batch++) {
      await send(20);
      await roundTrip(phone.ws); // the gateway has read (and relayed or dropped) all of it
    }
    expect(relay.framesDroppedToAsterisk, 'the gateway never dropped a frame').toBeGreaterThan(droppedBefore);
    // From now on nothing more is queued for it: 20 more seconds of audio are all dropped.
    const sentBefore = relay.framesToAsterisk;
    const dropped = relay.framesDroppedToAsterisk;
    await send(20);
    await expect.poll(() => relay.framesDroppedToAsterisk).toBeGreaterThanOrEqual(dropped + 20 * 50);
    // The healthy call's frames keep counting in framesToAsterisk: allow its few.
    expect(relay.framesToAsterisk - sentBefore).toBeLessThan(20 * 50);
    expect(g.t.gw.router.calls.find((c) => c.extension === '2002')?.state).toBe('talking');
    await g.healthy.stillFlows(); // while that Asterisk socket is still stuck
    tcpOf(rogue.ws).resume();
    phone.send({ type: 'hangup', callId });
    await rogue.command('HANGUP');
  });

  /**
   * `phone` stops reading and floods pings (33 bytes, as their pongs): at most 20 MB, 1 MB at a
   * time, until the gateway gives up on it (it does after ~7 MB). Resolves with the pings sent.
   */
  async function floodPingsUnread(phone: TestPhone): Promise<number> {
    tcpOf(phone.ws).pause();
    const ping = JSON.stringify({ type: 'ping', id: 123_456_789 });
    let sent = 0;
    for (let batch = 0; batch < 20 && phone.ws.readyState === phone.ws.OPEN; batch++) {
      for (let i = 0; i < 30_000; i++) phone.ws.send(ping);
      await new Promise<void>((resolve) => phone.ws.send(ping, () => resolve()));
      sent += 30_001;
      await new Promise((resolve) => setImmediate(resolve)); // the gateway's turn to read; we cannot see it (we do not read)
    }
    // The gateway cuts the socket (the test's bound: 3 s), or the flood ran out first.
    const stillOpen = new Promise<void>((resolve) => setTimeout(resolve, 3_000).unref());
    await Promise.race([phone.closed, stillOpen]);
    return sent;
  }

  test('a browser that floods pings and never reads the pongs is cut once 1 MiB is unread, not buffered without end', async () => {
    // At log level info: a debug line per pong would cost more than the pongs.
    await g.withConfig({ log_level: 'info' }, async () => {
      const phone = await g.phone('2002');
      const sent = await floodPingsUnread(phone);
      expect(phone.ws.readyState, `still open after ${sent} pings`).not.toBe(phone.ws.OPEN);
      expect((await phone.closed).code).toBe(1006); // cut: a close frame would wait behind what it does not read
      expect(g.logs).toContainEqual(expect.objectContaining({ level: 40, msg: 'browser not reading: dropped', exten: '2002' }));
    });
    await g.healthy.stillFlows();
  });

  test('a browser cut for not reading in the middle of a call: Asterisk gets HANGUP and the call ends as connection_lost', async () => {
    await g.withConfig({ log_level: 'info' }, async () => {
      const { phone, call, callId } = await g.talking();
      const sent = await floodPingsUnread(phone);
      expect(phone.ws.readyState, `still open after ${sent} pings`).not.toBe(phone.ws.OPEN);
      expect(await call.ended).toMatchObject({ by: 'app-hangup', code: 1000 });
      expect(call.commands).toEqual(['ANSWER', 'HANGUP']);
      const lines = g.logs.filter((l) => l['exten'] === '2002' && ['browser not reading: dropped', 'browser offline', 'call ended'].includes(l.msg));
      expect(lines.map((l) => l.msg)).toEqual(['browser not reading: dropped', 'browser offline', 'call ended']);
      expect(lines[2]).toMatchObject({ callId, reason: 'connection_lost' });
    });
    await g.healthy.stillFlows();
  });
});
