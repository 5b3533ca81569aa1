/**
 * Live fuzzing (fast-check) against a running gateway, beside a healthy call: random sequences
 * of messages, frames, calls, answers and hangups over real WebSockets, on the browser side and
 * on the Asterisk side. After each sequence: the bad connection is either still up and answering,
 * or closed with a documented code; every call ends on both sides (HANGUP to Asterisk once its
 * phone is gone, `ended` to a phone still there); once everything is closed, the gateway holds
 * nothing but the healthy call and its phone, and no error was logged. The healthy call still carries its tones at the end.
 */
import { once } from 'node:events';
import fc from 'fast-check';
import { describe, expect, test, vi } from 'vitest';
import { CLOSE, FRAME_BYTES, type ServerMessage } from '@gag/sdk/protocol';
import type { FakeCall } from '@gag/e2e';
import { TestPhone } from '@gag/testkit/phone';
import { asteriskJsonMessage, asteriskTextMessage, clientMessageText } from '@gag/testkit/fuzz';
import { roundTrip } from '@gag/testkit/round-trip';
import { HEALTHY_EXTENSION, healthyGateway } from './healthy-call.js';
import { RogueAsterisk, mediaStart } from './rogue-asterisk.js';

const g = healthyGateway();
/** Sequences per side: each is a few dozen messages over real sockets. */
const RUNS = Number(process.env.GAG_FUZZ_RUNS ?? 25);
/** Close codes a peer may see: ours (protocol.ts) and the standard ones ws sends for bad frames. */
const BROWSER_CODES = new Set([...Object.values(CLOSE).map((c) => c.code), 1002, 1007, 1009]);
const ASTERISK_CODES = new Set([1008, 1002, 1007, 1009]);
/** Binary lengths around the edges: empty, odd, whole frames, over the browser's and Asterisk's limits. */
const LENGTHS = [0, 1, FRAME_BYTES - 1, FRAME_BYTES, FRAME_BYTES + 1, 2 * FRAME_BYTES, 50 * FRAME_BYTES, 51 * FRAME_BYTES, 65_500, 65_501];
const sizes = fc.oneof(fc.constantFrom(...LENGTHS), fc.nat({ max: 70_000 }));

const timeout = (ms: number): Promise<never> => new Promise((_, reject) => setTimeout(() => reject(new Error(`not within ${ms} ms`)), ms));

const last = <T extends ServerMessage['type']>(messages: readonly ServerMessage[], type: T) =>
  messages.filter((m): m is Extract<ServerMessage, { type: T }> => m.type === type).at(-1);

/** Every call `messages` announced has ended for this phone (or was answered elsewhere). */
function everyCallEnded(messages: readonly ServerMessage[]): void {
  const incoming = new Set(messages.flatMap((m) => (m.type === 'incoming' ? [m.callId] : [])));
  const ended = new Set(messages.flatMap((m) => (m.type === 'ended' ? [m.callId] : [])));
  expect([...incoming].filter((id) => !ended.has(id))).toEqual([]);
}

/** Wait until only the healthy call and its phone are left, and nothing was logged at error or fatal. */
async function onlyHealthyLeft(): Promise<void> {
  await expect.poll(() => g.t.gw.router.calls.map((c) => c.id), { timeout: 3_000 }).toEqual([g.healthy.callId]);
  await expect.poll(() => g.t.gw.registry.all().map((p) => p.extension).filter((e) => e !== '2001'), { timeout: 3_000 }).toEqual([HEALTHY_EXTENSION]);
  expect(g.t.logs.filter((l) => (l.level as number) >= 50)).toEqual([]);
}

describe('browser side: random sequences on /phone', () => {
  const action = fc.oneof(
    { weight: 4, arbitrary: clientMessageText.map((text) => ({ kind: 'text' as const, text })) },
    { weight: 2, arbitrary: sizes.map((bytes) => ({ kind: 'binary' as const, bytes })) },
    { weight: 2, arbitrary: fc.constant({ kind: 'ring' as const }) },
    { weight: 2, arbitrary: fc.constantFrom('answer' as const, 'reject' as const, 'hangup' as const).map((verb) => ({ kind: 'call' as const, verb })) },
    { weight: 1, arbitrary: fc.constant({ kind: 'caller-hangs-up' as const }) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 20 }).map((ms) => ({ kind: 'pause' as const, ms })) },
  );

  test('the connection stays and answers, or closes with a documented code; nothing is left behind', async () => {
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.array(action, { maxLength: 12 }), async (login, actions) => {
        const calls: FakeCall[] = [];
        const phone = new TestPhone(g.t.gw.browserUrl);
        try {
          await once(phone.ws, 'open', { signal: AbortSignal.timeout(2_000) });
          if (login) {
            phone.send({ type: 'hello', token: await g.t.token('2002') });
            await phone.next('welcome');
          }
          for (const a of actions) {
            if (phone.ws.readyState !== phone.ws.OPEN) break;
            if (a.kind === 'text') phone.ws.send(a.text);
            else if (a.kind === 'binary') phone.ws.send(Buffer.alloc(a.bytes, 7), { binary: true });
            else if (a.kind === 'ring') calls.push(await g.t.asterisk.call('ws-ext-2002'));
            else if (a.kind === 'caller-hangs-up') await calls.at(-1)?.hangup();
            else if (a.kind === 'pause') await new Promise((r) => setTimeout(r, a.ms));
            else {
              const callId = last(phone.messages, 'incoming')?.callId;
              if (callId !== undefined) phone.send({ type: a.verb, callId });
            }
          }
          // Still up: it must answer. A connection not logged in is closed for the ping (4000), which is documented too.
          if (phone.ws.readyState === phone.ws.OPEN) phone.ws.send(JSON.stringify({ type: 'ping', id: 424_242 }));
          let closedWith: number | undefined;
          void phone.closed.then((c) => (closedWith = c.code));
          const answered = (): boolean => last(phone.messages, 'pong')?.id === 424_242;
          await vi.waitFor(() => expect(answered() || closedWith !== undefined).toBe(true), { timeout: 3_000, interval: 5 });
          if (!answered()) expect(BROWSER_CODES, `closed with ${closedWith}`).toContain(closedWith);
          // With its phone gone, every call that was for it is hung up by the gateway (or was by its caller).
          phone.close();
          for (const call of calls) expect((await Promise.race([call.ended, timeout(3_000)])).by).toMatch(/^(app-hangup|caller)$/);
        } finally {
          phone.close();
          await Promise.all(calls.map((c) => c.hangup()));
        }
        await onlyHealthyLeft();
      }),
      { numRuns: RUNS },
    );
    await g.healthy.stillFlows();
  });
});

describe('Asterisk side: random sequences on the Asterisk port', () => {
  const action = fc.oneof(
    { weight: 3, arbitrary: fc.oneof(asteriskTextMessage, asteriskJsonMessage).map((text) => ({ kind: 'text' as const, text })) },
    { weight: 3, arbitrary: fc.constantFrom('text' as const, 'json' as const).map((format) => ({ kind: 'text' as const, text: mediaStart('ws-ext-2001', { format }) })) },
    { weight: 3, arbitrary: sizes.map((bytes) => ({ kind: 'binary' as const, bytes })) },
    { weight: 2, arbitrary: fc.constantFrom('answer' as const, 'reject' as const, 'hangup' as const).map((verb) => ({ kind: 'phone' as const, verb })) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 20 }).map((ms) => ({ kind: 'pause' as const, ms })) },
  );

  test('the socket stays, or closes with a documented code; calls end on both sides; nothing is left behind', async () => {
    const phone = await g.phone('2001');
    await fc.assert(
      fc.asyncProperty(fc.array(action, { maxLength: 12 }), async (actions) => {
        const rogue = await RogueAsterisk.connect(g.t.gw.asteriskUrl);
        let closedByGateway: number | undefined;
        void rogue.closed.then((c) => (closedByGateway ??= c.code));
        try {
          for (const a of actions) {
            if (rogue.ws.readyState !== rogue.ws.OPEN) break;
            if (a.kind === 'text') rogue.text(a.text);
            else if (a.kind === 'binary') rogue.binary(Buffer.alloc(a.bytes, 3));
            else if (a.kind === 'pause') await new Promise((r) => setTimeout(r, a.ms));
            else {
              const callId = last(phone.messages, 'incoming')?.callId;
              if (callId !== undefined) phone.send({ type: a.verb, callId });
            }
          }
          await roundTrip(rogue.ws); // the gateway has read what was sent (or closed the socket)
        } finally {
          if (rogue.ws.readyState === rogue.ws.OPEN) {
            closedByGateway = 0; // we close, as Asterisk does after HANGUP or when the caller leaves
            rogue.close();
          }
          await rogue.closedWithin();
        }
        if (closedByGateway !== 0) expect(ASTERISK_CODES, `closed with ${closedByGateway}`).toContain(closedByGateway);
        await onlyHealthyLeft();
        await expect.poll(() => everyCallEnded(phone.messages)).toBeUndefined();
        expect(phone.ws.readyState).toBe(phone.ws.OPEN);
      }),
      { numRuns: RUNS },
    );
    await g.healthy.stillFlows();
  });
});
