import { afterEach, describe, expect, test, vi } from 'vitest';
import { gatewayPerTestOnDemand } from '@gag/testkit/gateway';
import { parseGroupsConfig } from '../src/config/groups.js';

// GoAstGateway's sample gag_groups.json, verbatim: G01 sequential and G02 ringall over 201 and 202, 30 s.
import sample from './fixtures/gag_groups.json' with { type: 'json' };

const groups = parseGroupsConfig('gag_groups.json', sample);
const t = gatewayPerTestOnDemand();
afterEach(() => {
  vi.useRealTimers(); // before the kit stops the test's gateway
});

describe('groups from gag_groups.json', () => {
  test("GoAstGateway's sample loads unchanged", () => {
    expect(Object.fromEntries(groups)).toEqual({
      G01: { strategy: 'sequential', members: ['201', '202'], timeout: 30 },
      G02: { strategy: 'ringall', members: ['201', '202'], timeout: 30 },
    });
  });

  test.each([
    ['an unknown strategy', { G: { strategy: 'random', members: ['1'] } }, 'G.strategy: must be "ringall" or "sequential"'],
    ['no members', { G: { strategy: 'ringall', members: [] } }, 'G.members: list at least one extension'],
    ['a timeout in ms by mistake', { G: { strategy: 'ringall', members: ['1'], timeout: 0.5 } }, 'G.timeout'],
    ['a misspelled key', { G: { strategy: 'ringall', member: ['1'] } }, 'G.member'],
  ])('%s is refused naming the group and key', (_name, json, message) => {
    expect(() => parseGroupsConfig('gag_groups.json', json)).toThrow(message);
  });

  test('ringall rings every member with the group name; the first answer wins, the others hear answered_elsewhere', async () => {
    await t.start({}, { groups });
    const [a, b] = [await t.phone('201'), await t.phone('202')];
    const call = await t.asterisk.call('ws-ext-G02', { params: { from: '0312345678' } });
    const [ia, ib] = [await a.next('incoming'), await b.next('incoming')];
    expect(ia).toMatchObject({ extension: 'G02', group: 'G02', callerNumber: '0312345678' });
    expect(ib.callId).toBe(ia.callId);
    b.send({ type: 'answer', callId: ib.callId });
    await call.answered;
    expect(await b.next('answered')).toEqual({ type: 'answered', callId: ib.callId });
    expect(await a.next('ended')).toEqual({ type: 'ended', callId: ia.callId, reason: 'answered_elsewhere' });
    a.send({ type: 'answer', callId: ia.callId }); // too late: dropped
    await call.hangup();
    expect(await b.next('ended')).toMatchObject({ reason: 'remote_hangup' });
    expect(call.commands).toEqual(['ANSWER']);
  });

  test('sequential rings one member at a time, goes round, and ends at ring_timeout_ms (GoAstGateway looped forever)', async () => {
    await t.start({ ring_timeout_ms: 90_000 }, { groups });
    const [a, b] = [await t.phone('201'), await t.phone('202')];
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const call = await t.asterisk.call('ws-ext-G01');
    const first = await a.next('incoming');
    expect(b.messages).toEqual([]);
    vi.advanceTimersByTime(30_000);
    expect(await a.next('ended')).toMatchObject({ callId: first.callId, reason: 'timeout' });
    expect(await b.next('incoming')).toMatchObject({ callId: first.callId, group: 'G01' });
    vi.advanceTimersByTime(30_000);
    expect(await b.next('ended')).toMatchObject({ reason: 'timeout' });
    await a.next('incoming'); // round again
    vi.advanceTimersByTime(30_000);
    vi.useRealTimers();
    expect(await a.next('ended')).toMatchObject({ reason: 'timeout' });
    expect(await call.ended).toMatchObject({ by: 'app-hangup', code: 1000 });
    expect(call.commands).toEqual(['HANGUP']);
  });

  test('sequential skips a member who is offline and moves on when a member rejects', async () => {
    await t.start({}, { groups });
    const b = await t.phone('202');
    const call = await t.asterisk.call('ws-ext-G01');
    const { callId } = await b.next('incoming'); // 201 is offline: 202 rings first
    const a = await t.phone('201');
    b.send({ type: 'reject', callId });
    expect(await b.next('ended')).toMatchObject({ reason: 'rejected' });
    expect(await a.next('incoming')).toMatchObject({ callId });
    a.send({ type: 'answer', callId });
    await call.answered;
    a.send({ type: 'hangup', callId });
    await call.ended;
  });
});

describe('several phones of one extension', () => {
  test('both ring; the first answer wins and the other ends with answered_elsewhere', async () => {
    await t.start();
    const desk = await t.phone('2001');
    const laptop = await t.phone('2001');
    const call = await t.asterisk.call('ws-ext-2001');
    const [d, l] = [await desk.next('incoming'), await laptop.next('incoming')];
    laptop.send({ type: 'answer', callId: l.callId });
    desk.send({ type: 'answer', callId: d.callId }); // crosses the first answer
    await call.answered;
    await laptop.next('answered');
    expect(await desk.next('ended')).toMatchObject({ reason: 'answered_elsewhere' });
    expect(call.commands).toEqual(['ANSWER']);
    await call.hangup();
  });

  test('a phone already in a call is busy: a second call rings only the idle phone, then gets HANGUP when none is idle', async () => {
    await t.start();
    const desk = await t.phone('2001');
    const first = await t.asterisk.call('ws-ext-2001');
    desk.send({ type: 'answer', callId: (await desk.next('incoming')).callId });
    await first.answered;
    const second = await t.asterisk.call('ws-ext-2001');
    expect(await second.ended).toMatchObject({ by: 'app-hangup' });
    expect(second.commands).toEqual(['HANGUP']);
    expect(t.logs.some((l) => l.msg === 'all phones busy; hanging up')).toBe(true);
    const laptop = await t.phone('2001');
    const third = await t.asterisk.call('ws-ext-2001');
    expect(await laptop.next('incoming')).toMatchObject({ type: 'incoming', extension: '2001' });
    expect(desk.messages.filter((m) => m.type === 'incoming')).toEqual([]);
    await third.hangup();
    await first.hangup();
  });
});
