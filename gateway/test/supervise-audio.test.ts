/**
 * What a supervisor hears and who hears the supervisor (issue 21), measured by tone: the caller
 * plays 440 Hz at 0.5, the agent answers with 1 kHz at 0.25, the supervisor speaks 700 Hz at 0.3.
 * Listen: the supervisor hears the caller and the agent at their levels; nobody hears it. Whisper:
 * the agent hears it, Asterisk does not. Barge: both do. Switching modes and leaving never touch
 * the call's own audio. Real sockets on loopback, the fake Asterisk, gag.v1 peers.
 */
import { afterEach, describe, expect, test } from 'vitest';
import type { SuperviseMode, WireFormat } from '@gag/sdk/protocol';
import { gatewayPerTestOnDemand } from '@gag/testkit/gateway';
import type { TestPhone } from '@gag/testkit/phone';
import { agentSpeaks, talkingCall, type TalkingCall } from './agent-voice.js';
import { amplitudeOf, closePeers, dbOff, heard, login, windowAmplitudes } from './supervise-peers.js';

const t = gatewayPerTestOnDemand();
afterEach(closePeers);

const CALLER = { hz: 440, amplitude: 0.5 };
const AGENT = { hz: 1000, amplitude: 0.25 };
const SUPERVISOR = { hz: 700, amplitude: 0.3 };
/** Below this a tone is absent (ulaw's quantisation noise stays well under it). */
const ABSENT = 0.01;
/** Frames skipped after a change before measuring: the queues' margin and the peers' round trip. */
const SETTLE_FRAMES = 10;

/** A talking call of 2001 and supervisor 9000 in it in `mode`, speaking its tone. */
async function supervised(format: WireFormat, mode: SuperviseMode, packetMs: 20 | 40 = 20): Promise<TalkingCall & { sup: TestPhone }> {
  await t.start({ supervisors: { '9000': { extensions: ['2001'] } }, browser_packet_ms: packetMs });
  const call = await talkingCall(t, format);
  const sup = await login(t, '9000', { supervisor: true });
  agentSpeaks(sup, format, SUPERVISOR.hz, SUPERVISOR.amplitude); // one packet of voice for each packet heard
  sup.send({ type: 'supervise', callId: call.callId, mode });
  expect(await sup.next('supervising')).toEqual({ type: 'supervising', callId: call.callId, mode, format });
  return { ...call, sup };
}

/** Positions in the three streams now: what the supervisor, the agent and Asterisk have received. */
const marks = (c: TalkingCall & { sup: TestPhone }) => ({ sup: c.sup.audio.length, agent: c.phone.audio.length, asteriskMs: c.call.received.frames * 20 });

/** Wait until each stream (the supervisor's too, unless it left) has `frames` more 20 ms frames than at `from`. */
async function flow(c: TalkingCall & { sup: TestPhone }, from: ReturnType<typeof marks>, frames: number, packetMs: number, ear = true): Promise<void> {
  const packets = (frames * 20) / packetMs;
  if (ear) await expect.poll(() => c.sup.audio.length - from.sup, { timeout: 5_000 }).toBeGreaterThanOrEqual(packets);
  await expect.poll(() => c.phone.audio.length - from.agent, { timeout: 5_000 }).toBeGreaterThanOrEqual(packets);
  await expect.poll(() => c.call.received.frames * 20 - from.asteriskMs, { timeout: 5_000 }).toBeGreaterThanOrEqual(frames * 20);
}

/** What each side heard between two marks (skipping the settling frames after the first). */
function between(c: TalkingCall & { sup: TestPhone }, format: WireFormat, a: ReturnType<typeof marks>, b: ReturnType<typeof marks>, packetMs: number) {
  const skip = (SETTLE_FRAMES * 20) / packetMs;
  return {
    sup: heard(c.sup.audio, format, a.sup + skip, b.sup),
    agent: heard(c.phone.audio, format, a.agent + skip, b.agent),
    asterisk: c.call.received.samples({ fromMs: a.asteriskMs + SETTLE_FRAMES * 20, toMs: b.asteriskMs }),
  };
}

const EXPECT: Record<SuperviseMode, { agentHearsSupervisor: boolean; callerHearsSupervisor: boolean }> = {
  listen: { agentHearsSupervisor: false, callerHearsSupervisor: false },
  whisper: { agentHearsSupervisor: true, callerHearsSupervisor: false },
  barge: { agentHearsSupervisor: true, callerHearsSupervisor: true },
};

describe.each([
  { mode: 'listen', format: 'slin16', packetMs: 20 },
  { mode: 'whisper', format: 'slin16', packetMs: 20 },
  { mode: 'barge', format: 'slin16', packetMs: 20 },
  { mode: 'listen', format: 'ulaw', packetMs: 40 },
  { mode: 'whisper', format: 'alaw', packetMs: 20 },
  { mode: 'barge', format: 'slin', packetMs: 40 },
] as const)('$mode ($format, $packetMs ms packets)', ({ mode, format, packetMs }) => {
  test('the supervisor hears the caller and the agent at their levels; its voice reaches only whom the mode says', async () => {
    const c = await supervised(format, mode, packetMs);
    const start = marks(c);
    await flow(c, start, 60, packetMs);
    const got = between(c, format, start, marks(c), packetMs);
    // The supervisor's ear: both voices, each at its own level (±1 dB), and not its own.
    expect(Math.abs(dbOff(amplitudeOf(got.sup, CALLER.hz, format), CALLER.amplitude))).toBeLessThanOrEqual(1);
    expect(Math.abs(dbOff(amplitudeOf(got.sup, AGENT.hz, format), AGENT.amplitude))).toBeLessThanOrEqual(1);
    expect(amplitudeOf(got.sup, SUPERVISOR.hz, format)).toBeLessThan(ABSENT);
    // The agent hears the caller as ever, and the supervisor only in whisper and barge.
    expect(Math.abs(dbOff(amplitudeOf(got.agent, CALLER.hz, format), CALLER.amplitude))).toBeLessThanOrEqual(1);
    const toAgent = amplitudeOf(got.agent, SUPERVISOR.hz, format);
    if (EXPECT[mode].agentHearsSupervisor) expect(Math.abs(dbOff(toAgent, SUPERVISOR.amplitude))).toBeLessThanOrEqual(1);
    else expect(toAgent).toBeLessThan(ABSENT);
    // Asterisk gets the agent as ever, and the supervisor only in barge.
    expect(Math.abs(dbOff(amplitudeOf(got.asterisk, AGENT.hz, format), AGENT.amplitude))).toBeLessThanOrEqual(1);
    const toCaller = amplitudeOf(got.asterisk, SUPERVISOR.hz, format);
    if (EXPECT[mode].callerHearsSupervisor) expect(Math.abs(dbOff(toCaller, SUPERVISOR.amplitude))).toBeLessThanOrEqual(1);
    else expect(toCaller).toBeLessThan(ABSENT);
    c.phone.send({ type: 'hangup', callId: c.callId });
    expect(await c.sup.next('supervise_ended')).toEqual({ type: 'supervise_ended', callId: c.callId, reason: 'call_ended' });
  });
});

test('switching listen → whisper → barge → listen, then leaving, keeps the caller ↔ agent audio whole and at its levels; the supervisor hears without a gap', async () => {
  const format = 'slin16';
  const c = await supervised(format, 'listen');
  const phases: { mode: SuperviseMode | 'left'; at: ReturnType<typeof marks> }[] = [{ mode: 'listen', at: marks(c) }];
  for (const mode of ['whisper', 'barge', 'listen'] as const) {
    await flow(c, phases.at(-1)!.at, 40, 20);
    c.sup.send({ type: 'supervise', callId: c.callId, mode });
    expect(await c.sup.next('supervising')).toMatchObject({ mode });
    phases.push({ mode, at: marks(c) });
  }
  await flow(c, phases.at(-1)!.at, 40, 20);
  c.sup.send({ type: 'unsupervise', callId: c.callId });
  expect(await c.sup.next('supervise_ended')).toEqual({ type: 'supervise_ended', callId: c.callId, reason: 'left' });
  const earEnd = c.sup.audio.length; // its last frame came before supervise_ended, on the same socket
  phases.push({ mode: 'left', at: marks(c) });
  await flow(c, phases.at(-1)!.at, 40, 20, false);
  const end = marks(c);

  // The whole span, 100 ms at a time: the call's own audio never dips (no gap) and keeps its level.
  const first = phases[0]!.at;
  const agentAll = heard(c.phone.audio, format, first.agent, end.agent);
  const asteriskAll = c.call.received.samples({ fromMs: first.asteriskMs, toMs: end.asteriskMs });
  for (const a of windowAmplitudes(agentAll, CALLER.hz, format)) expect(Math.abs(dbOff(a, CALLER.amplitude))).toBeLessThanOrEqual(1);
  for (const a of windowAmplitudes(asteriskAll, AGENT.hz, format)) expect(Math.abs(dbOff(a, AGENT.amplitude))).toBeLessThanOrEqual(1);
  // The supervisor's ear from its first settled frame to its last: the caller in every window, across the switches.
  const ear = heard(c.sup.audio, format, SETTLE_FRAMES, earEnd);
  for (const a of windowAmplitudes(ear, CALLER.hz, format)) expect(Math.abs(dbOff(a, CALLER.amplitude))).toBeLessThanOrEqual(1);
  // Each phase: the supervisor's voice where its mode sends it, and nowhere else.
  for (let i = 0; i < phases.length; i++) {
    const phase = phases[i]!;
    const next = phases[i + 1]?.at ?? end;
    const got = between(c, format, phase.at, next, 20);
    const rule = phase.mode === 'left' ? EXPECT.listen : EXPECT[phase.mode];
    const toAgent = amplitudeOf(got.agent, SUPERVISOR.hz, format);
    const toCaller = amplitudeOf(got.asterisk, SUPERVISOR.hz, format);
    if (rule.agentHearsSupervisor) expect(Math.abs(dbOff(toAgent, SUPERVISOR.amplitude)), `${phase.mode} to the agent`).toBeLessThanOrEqual(1);
    else expect(toAgent, `${phase.mode} to the agent`).toBeLessThan(ABSENT);
    if (rule.callerHearsSupervisor) expect(Math.abs(dbOff(toCaller, SUPERVISOR.amplitude)), `${phase.mode} to the caller`).toBeLessThanOrEqual(1);
    else expect(toCaller, `${phase.mode} to the caller`).toBeLessThan(ABSENT);
  }
  // Leaving stopped the ear; the call goes on.
  expect(c.sup.audio.length).toBe(earEnd);
  expect(t.gw.router.call(c.callId)?.state).toBe('talking');
  c.phone.send({ type: 'hangup', callId: c.callId });
  await c.call.ended;
});
