/**
 * Three gateway processes and one redis-server on loopback (issue 17), in real Chromium: node A
 * and node C are processes of their own, node B is the fixtures' gateway joined to the cluster,
 * and every node has the same groups. Calls from the fake Asterisk cross to `<gag-phone>` pages on
 * other nodes: a plain call from A to B; one extension's devices on B and C; a ringall group with
 * members on B and C; a sequential group whose call on C goes from a member on B to one on A; and
 * a click-to-call made on B whose call back Asterisk sends to A. Audio is checked both ways at its
 * level. The failures (a node killed, Redis restarted or away, a link cut) are in
 * cluster-failures.spec.ts.
 */
import { FakeAsterisk, tone } from '../src/index.js';
import { callWithAudioBothWays, expectAudioBothWays } from './audio-both-ways.js';
import { CLUSTER_GROUPS, NodeSet, clusterSpec, expectRingable, phoneOn, workerRedis, type NodeProcess } from './cluster-setup.js';
import { AsteriskCall, expect, test } from './fixtures.js';

clusterSpec('e2e-calls');
const redis = workerRedis();
let nodes: NodeSet | undefined;
let a: NodeProcess;
let c: NodeProcess;

test.beforeAll(async ({ gag }) => {
  await redis.start();
  nodes = new NodeSet(gag);
  [a, c] = await Promise.all([nodes.start('gw-a'), nodes.start('gw-c')]);
});
test.afterEach(() => nodes?.hangUpAll());
test.afterAll(async () => {
  await nodes?.stopAll();
  await redis.close();
});

test('a call that reaches node A rings <gag-phone> on node B, and the audio crosses both ways at its level', async ({ phone }) => {
  await phone.expectOnline();
  await expectRingable(a, '2001', 'gw-b');
  await callWithAudioBothWays(phone, nodes!.caller(a));
  await phone.expectEnded({ reason: 'hangup' });
});

test('one extension logged in on node B and node C rings on both; C answers with audio both ways, B shows answered elsewhere', async ({ phone, openPhone, gag }) => {
  const onC = await phoneOn(gag, openPhone, '2001', [c.browserUrl]);
  await expectRingable(a, '2001', 'gw-b');
  await expectRingable(a, '2001', 'gw-c');
  const call = await nodes!.caller(a).call('2001', { from: '0312345678', play: 440 });
  await phone.expectRinging({ from: '0312345678' });
  await onC.expectRinging({ from: '0312345678' });
  await onC.answer();
  await call.expectAnswered();
  await onC.expectTalking();
  await phone.expectEnded({ reason: 'answered_elsewhere' });
  await expectAudioBothWays(call, onC);
  await call.hangup();
  await onC.expectEnded({ reason: 'remote_hangup' });
});

test('a ringall group with members on node B and node C rings both at once; B answers, C shows answered elsewhere', async ({ phone, openPhone, gag }) => {
  expect(CLUSTER_GROUPS['sales']).toMatchObject({ strategy: 'ringall', members: ['2001', '2002'] });
  const onC = await phoneOn(gag, openPhone, '2002', [c.browserUrl]);
  await expectRingable(a, '2001', 'gw-b');
  await expectRingable(a, '2002', 'gw-c');
  const call = await nodes!.caller(a).call('sales', { from: '0312345678', play: 440 });
  await phone.expectRinging({ from: '0312345678' });
  await onC.expectRinging({ from: '0312345678' });
  await expect(onC.element.getByText('sales')).toBeVisible(); // the page says which group rings it
  await phone.answer();
  await call.expectAnswered();
  await phone.expectTalking();
  await onC.expectEnded({ reason: 'answered_elsewhere' });
  await call.expectAudio({ hz: 1_000 });
  await phone.expectAudio({ hz: 440 });
  await phone.hangup();
  await call.expectHangup();
});

test('a sequential group: a call on node C rings its member on node B, then after its timeout the member on node A, who answers', async ({ phone, openPhone, gag }) => {
  expect(CLUSTER_GROUPS['support']).toMatchObject({ strategy: 'sequential', members: ['2001', '2002'], timeout: 1 });
  const onA = await phoneOn(gag, openPhone, '2002', [a.browserUrl]);
  await expectRingable(c, '2001', 'gw-b');
  await expectRingable(c, '2002', 'gw-a');
  const call = await nodes!.caller(c).call('support', { from: '0698765432', play: 440 });
  await phone.expectRinging({ from: '0698765432' });
  await onA.expectNoRing(); // the second member waits for the first one's turn
  await phone.expectEnded({ reason: 'timeout' });
  await onA.expectRinging({ from: '0698765432' });
  await onA.answer();
  await call.expectAnswered();
  await onA.expectTalking();
  await call.expectAudio({ hz: 1_000 });
  await onA.expectAudio({ hz: 440 });
  await onA.hangup();
  await call.expectHangup();
  expect(call.commands).toEqual(['ANSWER', 'HANGUP']);
});

test('click-to-call across nodes: the page on node B dials, the call back reaches node A and rings the page marked outbound, audio both ways', async ({ phone, gag }) => {
  await expect.poll(() => gag.gateway.dialer.isReady(), { message: 'node B logged in to the fake AMI' }).toBe(true);
  await expectRingable(a, '2001', 'gw-b');
  const toNodeA = new FakeAsterisk({ url: a.asteriskUrl });
  const before = gag.ami.asterisk;
  gag.ami.asterisk = toNodeA; // the dialplan's call back lands on node A
  try {
    await phone.element.getByRole('textbox', { name: 'Number to call' }).fill('03-1234-5678');
    await phone.element.getByRole('button', { name: 'Call', exact: true }).click();
    const originate = await gag.ami.nextOriginate();
    expect(originate).toMatchObject({ channel: 'Local/2001@inhouse', exten: '0312345678' });
    const callBack = await originate.call;
    if (callBack === undefined) throw new Error('the fake AMI did not ring the extension back');
    callBack.play(tone(440, { amplitude: 0.5 }));
    // The call back of the page's own dial: marked outbound, and it answers by itself.
    await phone.expectTalking();
    expect((await phone.events()).find((e) => e.type === 'gag-incoming')?.detail).toMatchObject({ outbound: true, dialedNumber: '0312345678' });
    await callBack.answered;
    await expectAudioBothWays(new AsteriskCall(callBack, '2001'), phone);
    await phone.hangup();
    expect(await callBack.ended).toMatchObject({ by: 'app-hangup' });
    await phone.expectEnded({ reason: 'hangup' });
  } finally {
    gag.ami.asterisk = before;
    await toNodeA.close();
  }
});
