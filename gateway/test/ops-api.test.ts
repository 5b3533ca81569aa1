import { once } from 'node:events';
import { request } from 'node:http';
import WebSocket from 'ws';
import { afterEach, describe, expect, test } from 'vitest';
import { FRAME_BYTES } from '@gag/sdk/protocol';
import { tone } from '@gag/e2e';
import { TEST_ORIGIN } from '@gag/testkit/phone';
import { ADMIN_TOKEN, startClickToCall, type ClickToCall } from './click-fixture.js';

let t: ClickToCall;
afterEach(async () => {
  await t.stop();
  expect(t.gw.router.calls).toHaveLength(0);
});

const json = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
const withJwt = async (extension: string, init: RequestInit): Promise<RequestInit> => ({
  ...init,
  headers: { ...(init.headers as Record<string, string>), Authorization: `Bearer ${await t.token(extension)}` },
});

/** The value of one sample of the Prometheus text, e.g. metric(text, 'gag_calls', { state: 'ringing', direction: 'inbound' }). */
function metric(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (m === null || m[1] !== name) continue;
    const have = (m[2] ?? '').split(',').filter((p) => p !== '');
    if (want.every((w) => have.includes(w)) && have.length === want.length) return Number(m[3]);
  }
  return undefined;
}

/** A raw HTTP GET with any Host header (fetch will not send a forged one). */
function getWithHost(url: string, path: string, host: string): Promise<number> {
  const { hostname, port } = new URL(url.replace(/^ws/, 'http'));
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, headers: { Host: host } }, (res) => (res.resume(), resolve(res.statusCode ?? 0)));
    req.on('error', reject);
    req.end();
  });
}

/** A monitor client: every frame parsed, waited for one at a time. */
async function monitor(headers: Record<string, string> = { Authorization: `Bearer ${ADMIN_TOKEN}` }): Promise<{ ws: WebSocket; next: () => Promise<Record<string, unknown>> }> {
  const ws = new WebSocket(`${t.gw.browserUrl}/monitor`, { headers });
  const frames: Array<Record<string, unknown>> = [];
  const waiting: Array<(f: Record<string, unknown>) => void> = [];
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data)) as Record<string, unknown>;
    const w = waiting.shift();
    if (w === undefined) frames.push(frame);
    else w(frame);
  });
  await once(ws, 'open', { signal: AbortSignal.timeout(2_000) });
  const next = (): Promise<Record<string, unknown>> => {
    const f = frames.shift();
    if (f !== undefined) return Promise.resolve(f);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no monitor frame within 2 s')), 2_000);
      waiting.push((frame) => (clearTimeout(timer), resolve(frame)));
    });
  };
  return { ws, next };
}

describe('operations API: who may use it', () => {
  test('with admin_token set, the API, /metrics and /monitor need the token; /healthz and /readyz are open', async () => {
    t = await startClickToCall({ backend: 'none' });
    for (const path of ['/api/calls', '/api/sessions', '/metrics']) {
      const none = await t.http(path);
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toBe('Bearer realm="gag-admin"');
      expect((await t.http(path, { headers: { Authorization: 'Bearer wrong-token' } })).status).toBe(401);
      expect((await t.admin(path)).status).toBe(200);
    }
    expect((await t.http('/api/calls/some-id', { method: 'DELETE' })).status).toBe(401);
    expect(await t.http('/healthz')).toMatchObject({ status: 200, text: 'ok\n' });
    expect(await t.http('/readyz')).toMatchObject({ status: 200, json: { ready: true, checks: { originate: 'off' } } });
    const refused = new WebSocket(`${t.gw.browserUrl}/monitor`);
    refused.on('error', () => undefined);
    const [req, res] = (await once(refused, 'unexpected-response', { signal: AbortSignal.timeout(2_000) })) as [{ destroy(): void }, { statusCode: number }];
    req.destroy();
    expect(res.statusCode).toBe(401);
    const metrics = (await t.admin('/metrics')).text;
    expect(metric(metrics, 'gag_auth_failures_total', { side: 'api', reason: 'admin_token_missing' })).toBe(5); // 3 paths, DELETE, /monitor
    expect(metric(metrics, 'gag_auth_failures_total', { side: 'api', reason: 'admin_token_wrong' })).toBe(3);
  });

  test('without admin_token only direct loopback requests are served: not through a proxy, a web page or a foreign Host', async () => {
    t = await startClickToCall({ backend: 'none', config: { admin_token: undefined } });
    expect((await t.http('/api/sessions')).status).toBe(200);
    expect((await t.http('/api/sessions', { headers: { 'X-Forwarded-For': '203.0.113.9' } })).status).toBe(403);
    expect((await t.http('/api/sessions', { headers: { Forwarded: 'for=203.0.113.9' } })).status).toBe(403);
    expect((await t.http('/api/sessions', { headers: { Origin: 'http://evil.test' } })).status).toBe(403);
    expect(await getWithHost(t.gw.browserUrl, '/api/sessions', 'rebound.evil.test')).toBe(403);
    expect(await getWithHost(t.gw.browserUrl, '/api/sessions', 'localhost')).toBe(200);
  });
});

describe('operations API: calls and sessions', () => {
  test('listings show who is online and the call as it rings and talks; DELETE hangs up both sides', async () => {
    t = await startClickToCall({ backend: 'none' });
    const alice = await t.phone('2001');
    const bob = await t.phone('2002');
    const call = await t.asterisk.call('ws-ext-2001', { params: { from: '0312345678', name: 'Tanaka' } });
    const { callId } = await alice.next('incoming');

    const ringing = (await t.admin('/api/calls')).json as { calls: Array<Record<string, unknown>> };
    expect(ringing.calls).toEqual([
      expect.objectContaining({ id: callId, extension: '2001', direction: 'inbound', dialedNumber: null, callerNumber: '0312345678', callerName: 'Tanaka', state: 'ringing', answeredAt: null, ringingSessions: [alice.welcome.sessionId], talkingSession: null }),
    ]);

    alice.send({ type: 'answer', callId });
    await call.answered;
    await alice.next('answered');
    call.play(tone(440));
    const talking = (await t.admin('/api/calls')).json as { calls: Array<Record<string, unknown>> };
    expect(talking.calls[0]).toMatchObject({ state: 'talking', talkingSession: alice.welcome.sessionId, ringingSessions: [] });
    expect(Date.parse(String(talking.calls[0]!['answeredAt']))).toBeGreaterThanOrEqual(Date.parse(String(talking.calls[0]!['startedAt'])));

    const sessions = ((await t.admin('/api/sessions')).json as { sessions: Array<Record<string, unknown>> }).sessions;
    expect(sessions).toHaveLength(2);
    expect(sessions).toContainEqual(expect.objectContaining({ id: alice.welcome.sessionId, extension: '2001', protocol: 'gag.v1', ip: '127.0.0.1', callId }));
    expect(sessions).toContainEqual(expect.objectContaining({ id: bob.welcome.sessionId, extension: '2002', callId: null }));

    await expect.poll(async () => ((await t.admin('/api/calls')).json as { calls: Array<{ framesFromAsterisk: number }> }).calls[0]?.framesFromAsterisk ?? 0, { timeout: 3_000 }).toBeGreaterThan(0);
    const hung = await t.admin(`/api/calls/${callId}`, { method: 'DELETE' });
    expect(hung.status).toBe(204);
    expect(await call.ended).toMatchObject({ by: 'app-hangup', code: 1000 });
    expect(await alice.next('ended')).toEqual({ type: 'ended', callId, reason: 'remote_hangup' });
    expect(((await t.admin('/api/calls')).json as { calls: unknown[] }).calls).toEqual([]);
    expect(await t.admin(`/api/calls/${callId}`, { method: 'DELETE' })).toMatchObject({ status: 404, json: { error: { code: 'not_found' } } });
  });

  test('POST /api/calls with the user’s JWT rings that user back; a body naming an extension and a wrong token are refused', async () => {
    t = await startClickToCall({ backend: 'ami' });
    const phone = await t.phone('2001');
    expect(await t.http('/api/calls', json({ number: '0312345678' }))).toMatchObject({ status: 401, json: { error: { code: 'token_invalid' } } });
    const named = await t.http('/api/calls', await withJwt('2001', json({ number: '0312345678', extension: '2002' })));
    expect(named).toMatchObject({ status: 400, json: { error: { code: 'bad_request' } } });
    expect(named.text).toContain('extension: unknown key');
    expect((await t.http('/api/calls', await withJwt('2001', { method: 'POST', body: '{"number":"0312345678"}' }))).status).toBe(415);
    expect(await t.http('/api/calls', await withJwt('2001', json({ number: '+441234567890' })))).toMatchObject({ status: 422, json: { error: { code: 'number_not_allowed' } } });
    expect(t.ami!.originates).toHaveLength(0);

    const accepted = await t.http('/api/calls', await withJwt('2001', { ...json({ number: '03 1234 5678' }), headers: { 'Content-Type': 'application/json', Origin: TEST_ORIGIN } }));
    expect(accepted).toMatchObject({ status: 202, json: { dialId: expect.any(String), extension: '2001', number: '0312345678' } });
    expect(accepted.headers.get('access-control-allow-origin')).toBe(TEST_ORIGIN);
    expect(await t.ami!.nextOriginate()).toMatchObject({ channel: 'Local/2001@inhouse', exten: '0312345678' });
    expect(await phone.next('incoming')).toMatchObject({ outbound: true, dialedNumber: '0312345678', dialId: (accepted.json as { dialId: string }).dialId });

    const evil = await t.http('/api/calls', await withJwt('2001', { ...json({ number: '0312345678' }), headers: { 'Content-Type': 'application/json', Origin: 'http://evil.test' } }));
    expect(evil.status).toBe(403);
  });

  test('POST /api/calls past the rate limit answers 429 with Retry-After', async () => {
    t = await startClickToCall({ backend: 'ami', config: { dial_rate_limit_per_min: 1 } });
    expect((await t.http('/api/calls', await withJwt('2001', json({ number: '0312345678' })))).status).toBe(202);
    const limited = await t.http('/api/calls', await withJwt('2001', json({ number: '0312345678' })));
    expect(limited).toMatchObject({ status: 429, json: { error: { code: 'rate_limited' } } });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await t.http('/api/calls', await withJwt('2002', json({ number: '0312345678' })))).status).toBe(202); // per extension
  });

  test('without click-to-call, dial is not advertised and POST /api/calls answers 501 not_enabled', async () => {
    t = await startClickToCall({ backend: 'none' });
    const phone = await t.phone('2001');
    expect(phone.welcome.features).toEqual(['ping', 'token_refresh']); // no dial without an originate backend
    expect(await t.http('/api/calls', await withJwt('2001', json({ number: '0312345678' })))).toMatchObject({ status: 501, json: { error: { code: 'not_enabled' } } });
    phone.send({ type: 'dial', requestId: 'r1', number: '0312345678' });
    expect(await phone.next('dial_failed')).toMatchObject({ requestId: 'r1', code: 'not_enabled' });
  });
});

describe('metrics and the monitor', () => {
  test('metrics follow a call: ringing, talking with setup time and frames relayed, ended by reason; sessions and refusals counted', async () => {
    t = await startClickToCall({ backend: 'none' });
    const scrape = async (): Promise<string> => (await t.admin('/metrics')).text;
    const phone = await t.phone('2001');
    const start = await scrape();
    expect(metric(start, 'gag_sessions', { protocol: 'gag.v1' })).toBe(1);
    expect(metric(start, 'gag_calls', { state: 'ringing', direction: 'inbound' })).toBe(0);
    // The gateway runs in this process, so a 100 ms stall of the event loop shows in a scrape. Polled:
    // after a scrape resets the histogram, its first tick only sets a baseline.
    let stalled = '';
    const stallAndScrape = async (): Promise<number | undefined> => {
      const until = performance.now() + 100;
      while (performance.now() < until); // a deliberate stall, not a wait
      stalled = await scrape();
      return metric(stalled, 'gag_event_loop_delay_seconds', { stat: 'max' });
    };
    await expect.poll(stallAndScrape, { timeout: 3_000 }).toBeGreaterThanOrEqual(0.09);
    expect(metric(stalled, 'gag_event_loop_delay_seconds', { stat: 'p99' })).toBeGreaterThan(0);

    const call = await t.asterisk.call('ws-ext-2001');
    const { callId } = await phone.next('incoming');
    expect(metric(await scrape(), 'gag_calls', { state: 'ringing', direction: 'inbound' })).toBe(1);
    phone.send({ type: 'answer', callId });
    await call.answered;
    call.play(tone(440));
    for (let i = 0; i < 5; i++) phone.ws.send(Buffer.alloc(FRAME_BYTES));
    await expect.poll(() => call.received.frames, { timeout: 3_000 }).toBe(5);
    await expect.poll(() => phone.audio.length, { timeout: 3_000 }).toBeGreaterThan(0);
    const talking = await scrape();
    expect(metric(talking, 'gag_calls', { state: 'talking', direction: 'inbound' })).toBe(1);
    expect(metric(talking, 'gag_calls_total', { direction: 'inbound' })).toBe(1);
    expect(metric(talking, 'gag_call_setup_seconds_count', { direction: 'inbound' })).toBe(1);
    expect(metric(talking, 'gag_audio_frames_total', { direction: 'to_asterisk' })).toBe(5);
    expect(metric(talking, 'gag_audio_bytes_total', { direction: 'to_asterisk' })).toBe(5 * FRAME_BYTES);
    expect(metric(talking, 'gag_audio_frames_total', { direction: 'to_browser' })).toBeGreaterThanOrEqual(1);

    phone.send({ type: 'hangup', callId });
    await call.ended;
    await phone.next('ended');
    const bad = await import('@gag/testkit/phone').then(({ TestPhone }) => new TestPhone(t.gw.browserUrl));
    await once(bad.ws, 'open');
    bad.send({ type: 'hello', token: 'not-a-jwt' });
    await bad.closed;
    const end = await scrape();
    expect(metric(end, 'gag_calls', { state: 'talking', direction: 'inbound' })).toBe(0);
    expect(metric(end, 'gag_calls_ended_total', { reason: 'hangup', direction: 'inbound' })).toBe(1);
    expect(metric(end, 'gag_auth_failures_total', { side: 'browser', reason: 'malformed' })).toBe(1);
  });

  test('the monitor sends a snapshot, then presence and call events in the order they happened', async () => {
    t = await startClickToCall({ backend: 'none' });
    const early = await t.phone('2002');
    const m = await monitor();
    const snapshot = await m.next();
    expect(snapshot).toMatchObject({ type: 'snapshot', calls: [], sessions: [expect.objectContaining({ id: early.welcome.sessionId, extension: '2002' })] });

    const phone = await t.phone('2001');
    const call = await t.asterisk.call('ws-ext-2001', { params: { from: '0312345678' } });
    const { callId } = await phone.next('incoming');
    phone.send({ type: 'answer', callId });
    await call.answered;
    await call.hangup();
    await phone.next('ended');
    phone.close();

    const events = [await m.next(), await m.next(), await m.next(), await m.next(), await m.next()];
    expect(events.map((e) => [e['type'], e['online'] ?? (e['call'] as { state: string }).state])).toEqual([
      ['presence', true],
      ['call', 'ringing'],
      ['call', 'talking'],
      ['call', 'ended'],
      ['presence', false],
    ]);
    expect(events.map((e) => e['seq'])).toEqual([1, 2, 3, 4, 5].map((n) => (snapshot['seq'] as number) + n));
    expect(events[1]).toMatchObject({ previous: 'routing', call: { id: callId, extension: '2001', callerNumber: '0312345678' } });
    expect(events[3]).toMatchObject({ previous: 'talking', call: { id: callId, endReason: 'remote_hangup' } });
    expect(events[4]).toMatchObject({ session: { id: phone.welcome.sessionId, extension: '2001' } });
    m.ws.close();
  });
});
