/**
 * Sharing one phone among the tabs of a browser (issue #6), with Chromium's real Web Locks and
 * BroadcastChannel: several `PhoneTabs` in one page contend exactly as tabs do, and a same-origin
 * iframe plays a tab that closes. The gateway is another process, out of reach here: each tab's
 * client is a stand-in that says what a GagClient says when the test tells it (and holds real SDK
 * calls, which record what they send). e2e/tests/multi-tab.spec.ts runs it all against the gateway.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { Call, DialError, GagClient, type ConnectionState, type Dialing } from '@gag/sdk';
import { defineGagPhone } from '../../src/define.js';
import { Dialer } from '../../src/dialer.js';
import type { GagPhone } from '../../src/gag-phone.js';
import { en, type Labels } from '../../src/labels/en.js';
import { ja } from '../../src/labels/ja.js';
import { PhoneTabs, phoneLockName, type TabsHost } from '../../src/tabs/phone-tabs.js';
import type { RemotePhone } from '../../src/tabs/remote-phone.js';
import { RemoteEvents } from '../../src/tabs/remote-events.js';

/**
 * A GagClient that never opens a socket: its state moves when the test says what the gateway did.
 * (connect() is never called; state and calls come from here.)
 */
class StandInClient extends GagClient {
  #state: ConnectionState = 'connecting';
  /** Control messages its calls sent towards the gateway. */
  readonly sent: Array<{ type: string; callId: string }> = [];
  readonly #calls = new Map<string, Call>();
  /** The numbers it was asked to dial (click-to-call), and what the gateway answers. */
  readonly dialed: string[] = [];
  dialAnswer: () => Promise<Dialing> = () => Promise.resolve({ dialId: 'x1', number: '' });

  constructor() {
    super({ url: 'wss://gateway.invalid', token: 'unused', ringtone: false });
  }

  override get state(): ConnectionState {
    return this.#state;
  }

  /** Its gateway offers `dial`. */
  override get canDial(): boolean {
    return this.#state === 'online';
  }

  override dial(number: string): Promise<Dialing> {
    this.dialed.push(number);
    return this.dialAnswer();
  }

  override get calls(): Call[] {
    return [...this.#calls.values()];
  }

  /** The gateway said `welcome`. */
  online(): void {
    this.#set('online');
    this.emit('connected', { extension: '2001', sessionId: `s-${this.sent.length}` });
  }

  /** The gateway said `incoming`. */
  ring(callId: string): Call {
    const call = new Call({ type: 'incoming', callId, extension: '2001', callerNumber: '0312345678', callerName: 'Tanaka', group: null }, {
      sendControl: (m) => void this.sent.push(m),
      sendDtmf: () => false,
      sendAudio: () => false,
      packetMs: () => 20, forget: (id) => void this.#calls.delete(id),
      measureRtt: () => Promise.resolve(null),
    });
    this.#calls.set(callId, call);
    this.emit('incoming', call);
    return call;
  }

  /** As GagClient.disconnect(): the socket closes, its calls end with connection_lost. */
  override disconnect(): void {
    for (const call of this.calls) call.end('connection_lost');
    this.#set('offline');
  }

  #set(state: ConnectionState): void {
    this.#state = state;
    this.emit('state', state);
  }
}

/** The element's side of one tab: what it was told to show, and its clients in order. */
class Tab implements TabsHost {
  readonly clients: StandInClient[] = [];
  client: StandInClient | undefined;
  remote: RemotePhone | null = null;
  /** What happened in this tab, in order. */
  readonly log: string[] = [];
  tabs!: PhoneTabs;
  onFollow: ((remote: RemotePhone | null) => void) | undefined;

  lead(): StandInClient {
    const client = new StandInClient();
    client.on('incoming', (call) => this.log.push(`incoming ${call.id}${this.tabs?.answersHere(call) ? ' (answer here)' : ''}`));
    this.client = client;
    this.clients.push(client);
    this.log.push('lead');
    return client;
  }

  follow(remote: RemotePhone | null): void {
    this.onFollow?.(remote);
    if (this.client !== undefined) {
      this.log.push('let go');
      this.client.removeAllListeners();
      this.client.disconnect();
      this.client = undefined;
    }
    this.remote = remote;
  }
}

let name = '';
let opened: PhoneTabs[] = [];
let frames: HTMLIFrameElement[] = [];
afterEach(() => {
  for (const tabs of opened) tabs.close();
  for (const frame of frames) frame.remove();
  opened = [];
  frames = [];
});

function open(options: { locks?: LockManager | undefined; ringWaitMs?: number; dialWaitMs?: number; name?: Promise<string> } = {}): Tab {
  const tab = new Tab();
  tab.tabs = new PhoneTabs({
    name: options.name ?? name,
    host: tab,
    locks: 'locks' in options ? options.locks : navigator.locks,
    ...(options.ringWaitMs === undefined ? {} : { ringWaitMs: options.ringWaitMs }),
    ...(options.dialWaitMs === undefined ? {} : { dialWaitMs: options.dialWaitMs }),
  });
  opened.push(tab.tabs);
  return tab;
}

/** A tab that leads and is online. */
async function leader(): Promise<Tab & { client: StandInClient }> {
  const tab = open();
  await expect.poll(() => tab.tabs.role).toBe('leading');
  tab.client!.online();
  return tab as Tab & { client: StandInClient };
}

const RINGING = { id: 'c1', callerNumber: '0312345678', callerName: 'Tanaka', group: null, outbound: false, dialedNumber: null, state: 'ringing', answeredAtMs: null };

describe('one phone for the tabs of a browser', () => {
  test('of two tabs the first leads and connects; the second connects nothing and mirrors it', async () => {
    name = `gag-phone:test:${crypto.randomUUID()}`;
    const a = await leader();
    const b = open();
    await expect.poll(() => b.remote).toEqual({ connection: 'online', call: null, canDial: true, ended: null });
    expect(b.tabs.role).toBe('following');
    expect(b.clients).toHaveLength(0);
    expect(a.clients).toHaveLength(1);
  });

  test('a call ringing in the leading tab shows in the other with its caller, and its end clears it', async () => {
    name = `gag-phone:test:${crypto.randomUUID()}`;
    const a = await leader();
    const b = open();
    const call = a.client.ring('c1');
    await expect.poll(() => b.remote?.call).toEqual(RINGING);
    call.end('caller_hangup');
    await expect.poll(() => b.remote).toEqual({ connection: 'online', call: null, canDial: true, ended: { id: 'c1', reason: 'caller_hangup' } });
  });

  test('a following tab fires gag-incoming, gag-answered and gag-ended (here: false) once each, however often the leader says its phone again', async () => {
    name = `gag-phone:test:${crypto.randomUUID()}`;
    const a = await leader();
    const b = open();
    const host = Object.assign(document.createElement('div'), { requestUpdate: () => undefined });
    const heard: Array<{ type: string; detail: unknown }> = [];
    for (const type of ['gag-incoming', 'gag-answered', 'gag-ended']) host.addEventListener(type, (e) => heard.push({ type, detail: (e as CustomEvent).detail }));
    const events = new RemoteEvents(host);
    b.onFollow = (remote) => events.show(remote);
    await expect.poll(() => b.remote).not.toBeNull();
    const again = async (): Promise<void> => {
      const seen = b.remote;
      open(); // a tab that joins asks: the leader says its phone again, unchanged
      await expect.poll(() => b.remote !== seen).toBe(true);
    };

    const call = a.client.ring('c1');
    await expect.poll(() => heard.length).toBe(1);
    await again();
    call.answered();
    await expect.poll(() => heard.length).toBe(2);
    await again();
    expect(b.remote?.call?.answeredAtMs).toBeLessThanOrEqual(Date.now());
    call.end('caller_hangup');
    await expect.poll(() => heard.length).toBe(3);
    await again();
    const detail = { callId: 'c1', callerNumber: '0312345678', callerName: 'Tanaka', group: null, outbound: false, dialedNumber: null, here: false };
    expect(heard).toEqual([
      { type: 'gag-incoming', detail },
      { type: 'gag-answered', detail },
      { type: 'gag-ended', detail: { ...detail, reason: 'caller_hangup' } },
    ]);
    events.stop();
  });

  test('a tab that let go of its ringing call to a takeover fires no gag-incoming for it again, and gag-answered (here: false) when the new tab answers', () => {
    const host = Object.assign(document.createElement('div'), { requestUpdate: () => undefined });
    const heard: string[] = [];
    for (const type of ['gag-incoming', 'gag-answered', 'gag-ended']) host.addEventListener(type, (e) => heard.push(`${type} ${String((e as CustomEvent<{ here: boolean }>).detail.here)}`));
    const events = new RemoteEvents(host);
    events.seed(RINGING as RemotePhone['call']);
    events.show(null); // the new tab has not said yet
    events.show({ connection: 'online', call: RINGING, ended: null } as RemotePhone);
    expect(heard).toEqual([]);
    events.show({ connection: 'online', call: { ...RINGING, state: 'talking', answeredAtMs: Date.now() }, ended: null } as RemotePhone);
    expect(heard).toEqual(['gag-answered false']);
    events.lead(); // its tab closed mid-call: the call was lost with it
    expect(heard).toEqual(['gag-answered false', 'gag-ended false']);
    events.stop();
  });

  test('the leading tab stops listening to a call once it ended: a day of calls does not pile up in memory', async () => {
    name = `gag-phone:test:${crypto.randomUUID()}`;
    const a = await leader();
    const calls = Array.from({ length: 3 }, (_, i) => a.client.ring(`c${i}`));
    for (const call of calls) call.end('caller_hangup');
    expect(calls.map((call) => call.listenerCount('state'))).toEqual([0, 0, 0]);
  });

  test('Answer here: the tab connects as a second phone, takes the lock once the call rings there, and the leader lets go without rejecting', async () => {
    name = `gag-phone:test:${crypto.randomUUID()}`;
    const a = await leader();
    const call = a.client.ring('c1');
    const b = open();
    await expect.poll(() => b.remote?.call).toEqual(RINGING);

    b.tabs.takeOver();
    expect(b.tabs.role).toBe('taking-over');
    const mine = b.client!;
    mine.online();
    expect(b.tabs.role).toBe('taking-over'); // online, but the call does not ring here yet: no steal asked for
    expect(a.tabs.role).toBe('leading');
    expect(call.state).toBe('ringing');

    mine.ring('c1'); // the gateway rings a phone that logs in while the call rings (Router.addSession)
    expect(b.tabs.role).toBe('stealing');
    await expect.poll(() => b.tabs.role).toBe('leading');
    await expect.poll(() => a.tabs.role).toBe('following');
    expect(b.log).toEqual(['lead', 'incoming c1 (answer here)']);
    expect(a.log).toEqual(['lead', 'incoming c1', 'let go']);
    expect(a.client).toBeUndefined();
    expect(a.clients[0]!.sent).toEqual([]); // no reject: the call rings on in the new tab
    expect(call.endReason).toBe('connection_lost');
    await expect.poll(() => a.remote?.call).toEqual(RINGING); // now mirrored from b
    expect(b.tabs.answersHere(mine.calls[0]!)).toBe(false); // the takeover is done
  });

  test('Use this tab moves an idle phone: the tab leads once online, the old leader mirrors it', async () => {
    name = `gag-phone:test:${crypto.randomUUID()}`;
    const a = await leader();
    const b = open();
    await expect.poll(() => b.remote).not.toBeNull();
    b.tabs.takeOver();
    expect(a.tabs.role).toBe('leading'); // nothing moves before b is online
    b.client!.online();
    await expect.poll(() => a.tabs.role).toBe('following');
    expect(b.tabs.role).toBe('leading');
    await expect.poll(() => a.remote).toEqual({ connection: 'online', call: null, canDial: true, ended: null });

    const ringsInB = b.client!.ring('c2');
    await expect.poll(() => a.remote?.call?.id).toBe(ringsInB.id);
  });

  test('a call in progress stays in its tab: taking over does nothing', async () => {
    name = `gag-phone:test:${crypto.randomUUID()}`;
    const a = await leader();
    const b = open();
    a.client.ring('c1').answered();
    await expect.poll(() => b.remote?.call?.state).toBe('talking');
    b.tabs.takeOver();
    expect(b.tabs.role).toBe('following');
    expect(b.clients).toHaveLength(0);
  });

  test('when the leading tab answers while another is taking over, the call stays there and the other gives up', async () => {
    name = `gag-phone:test:${crypto.randomUUID()}`;
    const a = await leader();
    const call = a.client.ring('c1');
    const b = open();
    await expect.poll(() => b.remote?.call?.state).toBe('ringing');
    b.tabs.takeOver();
    call.answered(); // answered in a first
    await expect.poll(() => b.tabs.remote?.call?.state).toBe('talking');
    b.client!.online();
    expect(b.tabs.role).toBe('following');
    expect(b.clients[0]!.state).toBe('offline');
    expect(a.tabs.role).toBe('leading');
    expect(call.state).toBe('talking');
  });

  test('a takeover whose call never rings there (an older gateway) gives up, and the call rings on in the leader', async () => {
    name = `gag-phone:test:${crypto.randomUUID()}`;
    const a = await leader();
    const call = a.client.ring('c1');
    const b = open({ ringWaitMs: 100 });
    await expect.poll(() => b.remote?.call?.state).toBe('ringing');
    b.tabs.takeOver();
    b.client!.online();
    await expect.poll(() => b.tabs.role, { timeout: 2_000 }).toBe('following');
    expect(b.clients[0]!.state).toBe('offline');
    expect(a.tabs.role).toBe('leading');
    expect(call.state).toBe('ringing');
    expect(a.client.sent).toEqual([]);
  });

  test('closing the leading tab hands the phone to the next one, which connects; a third mirrors the new leader', async () => {
    name = `gag-phone:test:${crypto.randomUUID()}`;
    const a = await leader();
    const b = open();
    const c = open();
    await expect.poll(() => c.remote).toEqual({ connection: 'online', call: null, canDial: true, ended: null });
    a.tabs.close();
    await expect.poll(() => b.tabs.role).toBe('leading');
    expect(c.tabs.role).toBe('following');
    await expect.poll(() => c.remote).toEqual({ connection: 'connecting', call: null, canDial: false, ended: null });
    b.client!.online();
    await expect.poll(() => c.remote).toEqual({ connection: 'online', call: null, canDial: true, ended: null });
  });

  test('a tab that goes away without a word hands over too: the browser releases its lock', async () => {
    name = `gag-phone:test:${crypto.randomUUID()}`;
    // Another tab of the same origin holding the phone: a same-origin iframe shares the lock manager.
    const frame = document.createElement('iframe');
    frames.push(frame);
    const held = new Promise<void>((resolve) => window.addEventListener('message', (e) => e.data === `held ${name}` && resolve()));
    frame.srcdoc = `<script>navigator.locks.request(${JSON.stringify(name)}, () => { parent.postMessage(${JSON.stringify(`held ${name}`)}, '*'); return new Promise(() => {}); });</script>`;
    document.body.append(frame);
    await held;

    const a = open();
    await expect.poll(async () => (await navigator.locks.query()).pending?.filter((l) => l.name === name).length).toBe(1);
    expect(a.tabs.role).toBe('following');
    expect(a.clients).toHaveLength(0);
    frame.remove(); // the tab closes
    await expect.poll(() => a.tabs.role).toBe('leading');
    expect(a.clients).toHaveLength(1);
  });

  test('a name known only later (the token comes from token-url) joins the same phone; one that fails leads alone', async () => {
    name = `gag-phone:test:${crypto.randomUUID()}`;
    await leader();
    const later = open({ name: Promise.resolve(name) });
    await expect.poll(() => later.remote).toEqual({ connection: 'online', call: null, canDial: true, ended: null });
    expect(later.clients).toHaveLength(0);
    const failed = open({ name: Promise.reject(new Error('token-url answered 401')) });
    await expect.poll(() => failed.tabs.role).toBe('leading');
    expect(failed.clients).toHaveLength(1);
  });

  test('without Web Locks every tab holds a phone of its own, as before', () => {
    name = `gag-phone:test:${crypto.randomUUID()}`;
    const [a, b] = [open({ locks: undefined }), open({ locks: undefined })];
    expect([a.tabs.role, b.tabs.role]).toEqual(['leading', 'leading']);
    expect([a.clients.length, b.clients.length]).toEqual([1, 1]);
  });
});

describe('the name tabs share', () => {
  const jwt = (claims: object): string => `e30.${btoa(JSON.stringify(claims)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')}.sig`;

  test("is the gateway and the token's extension: fresh tokens of one extension share it, other extensions and gateways do not", () => {
    const server = 'wss://gw.example.com:8766';
    const name = phoneLockName(server, jwt({ ext: '2001', iat: 1 }));
    expect(name).toBe('gag-phone:wss://gw.example.com:8766:2001');
    expect(phoneLockName(server, jwt({ ext: '2001', iat: 2, exp: 9 }))).toBe(name);
    expect(phoneLockName(server, jwt({ ext: '2002' }))).not.toBe(name);
    expect(phoneLockName('wss://other.example.com', jwt({ ext: '2001' }))).not.toBe(name);
    expect(phoneLockName(server, 'not a jwt')).toBe('gag-phone:wss://gw.example.com:8766:');
  });
});

describe('dialing from a tab that does not hold the phone', () => {
  /** A following tab's Dialer, as `<gag-phone>` wires it: what it shows after a dial, and how often it asked to redraw. */
  function dialerOf(tab: Tab): { dialer: Dialer; errors: string[]; updates: () => number } {
    const errors: string[] = [];
    let updates = 0;
    const host = { addController: () => undefined, removeController: () => undefined, requestUpdate: () => void updates++, updateComplete: Promise.resolve(true) };
    const dialer = new Dialer(host, { readyClient: () => tab.tabs, labels: () => en, failed: (m) => void errors.push(m), started: () => undefined });
    return { dialer, errors, updates: () => updates };
  }

  test("the leading tab mirrors that its gateway dials, dials the follower's number with its client, and tells the follower it is dialing", async () => {
    name = `gag-phone:test:${crypto.randomUUID()}`;
    const lead = await leader();
    const other = open();
    await expect.poll(() => other.remote?.canDial).toBe(true);
    await other.tabs.dial('0312345678');
    expect(lead.client.dialed).toEqual(['0312345678']);
    expect(other.clients).toEqual([]); // the follower connected nothing
    const { dialer, errors, updates } = dialerOf(other);
    expect(dialer.dialLink('0399998888')).toBe(true);
    await expect.poll(() => lead.client.dialed).toEqual(['0312345678', '0399998888']);
    await expect.poll(updates).toBe(4); // the number shown, busy, the field cleared (success), the outcome shown
    expect(errors).toEqual([]);
  });

  test("the leading tab's refusal comes back with its reason, and the follower shows the leader's own words for it", async () => {
    name = `gag-phone:test:${crypto.randomUUID()}`;
    const lead = await leader();
    lead.client.dialAnswer = () => Promise.reject(new DialError('number_not_allowed', 'not on the allow list'));
    const other = open();
    await expect.poll(() => other.remote?.canDial).toBe(true);
    await expect(other.tabs.dial('110')).rejects.toMatchObject({ name: 'DialError', code: 'GAG_DIAL_FAILED', reason: 'number_not_allowed' });
    const { dialer, errors } = dialerOf(other);
    dialer.dialLink('110');
    await expect.poll(() => errors).toEqual([en.dialErrors.number_not_allowed]);
    expect(lead.client.dialed).toEqual(['110', '110']);
  });

  test('a leading tab that goes away before it answers leaves no dial waiting: it fails with the timeout message', async () => {
    name = `gag-phone:test:${crypto.randomUUID()}`;
    const lead = await leader();
    lead.client.dialAnswer = () => new Promise(() => undefined); // the gateway never answers either
    const other = open({ dialWaitMs: 300 });
    await expect.poll(() => other.remote?.canDial).toBe(true);
    const { dialer, errors } = dialerOf(other);
    dialer.dialLink('0312345678');
    await expect.poll(() => lead.client.dialed).toEqual(['0312345678']);
    lead.tabs.close();
    await expect.poll(() => errors, { timeout: 2_000 }).toEqual([en.dialErrors.timeout]);
  });

  test('only the tab that asked hears the answer: two followers dialing at once each get their own outcome', async () => {
    name = `gag-phone:test:${crypto.randomUUID()}`;
    const lead = await leader();
    lead.client.dialAnswer = () => (lead.client.dialed.at(-1) === '110' ? Promise.reject(new DialError('number_not_allowed', 'no')) : Promise.resolve({ dialId: 'x', number: '' }));
    const [a, b] = [open(), open()];
    await expect.poll(() => a.remote?.canDial && b.remote?.canDial).toBe(true);
    const outcomes = await Promise.allSettled([a.tabs.dial('0312345678'), b.tabs.dial('110')]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected']);
  });
});

describe('<gag-phone> in a tab that does not hold the phone', () => {
  const server = 'wss://gateway.invalid';
  const token = `e30.${btoa(JSON.stringify({ ext: `t${crypto.randomUUID()}` })).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')}.sig`;
  let cleanup: Array<() => void> = [];
  afterEach(() => {
    for (const f of cleanup.reverse()) f();
    cleanup = [];
  });

  /**
   * A `<gag-phone>` that follows: the test holds the phone's lock and plays the leading tab on its
   * channel, telling `phone` and answering dials with `answer` (undefined: never).
   */
  async function follower(lang: string, phone: RemotePhone, answer?: (number: string) => string | null): Promise<{ el: GagPhone; asked: string[] }> {
    defineGagPhone();
    const lockName = phoneLockName(server, token);
    let release!: () => void;
    await new Promise<void>((held) => void navigator.locks.request(lockName, () => (held(), new Promise<void>((r) => (release = r)))));
    const channel = new BroadcastChannel(lockName);
    const asked: string[] = [];
    channel.onmessage = ({ data }: MessageEvent<{ type: string; id: string; number: string }>) => {
      if (data.type === 'ask') channel.postMessage({ gag: 1, type: 'phone', from: 'leader', phone });
      if (data.type !== 'dial') return;
      asked.push(data.number);
      const reason = answer?.(data.number);
      if (reason !== undefined) channel.postMessage({ gag: 1, type: 'dialed', from: 'leader', id: data.id, reason });
    };
    const el = document.createElement('gag-phone');
    Object.assign(el, { server, token, lang });
    document.body.append(el);
    // Removed before the lock is let go: it never leads (there is no gateway here).
    cleanup.push(() => (el.remove(), channel.close(), release()));
    await expect.poll(() => el.shadowRoot?.querySelector('.state')?.textContent).toBe((lang === 'ja' ? ja : en).tabs[phone.call?.state ?? phone.connection]);
    return { el, asked };
  }

  const shown = (el: GagPhone): { text: string; buttons: string[] } => ({
    text: el.shadowRoot!.querySelector('.phone')!.textContent!.replace(/\s+/g, ' ').trim(),
    buttons: [...el.shadowRoot!.querySelectorAll('button')].map((b) => b.textContent!.trim()),
  });
  const ringing = { connection: 'online', call: RINGING, ended: null } as RemotePhone;
  const talking = { connection: 'online', call: { ...RINGING, state: 'talking', answeredAtMs: Date.now() - 65_000 }, ended: null } as RemotePhone;
  const idle = { connection: 'online', call: null, ended: null } as RemotePhone;
  const dials = { ...idle, canDial: true } as RemotePhone;

  test.each([
    ['en', en, ['Ringing in another tab', 'Answer here'], ['In a call in another tab', 'The call stays in the tab where it was answered.'], ['Ready in another tab', 'Use this tab']],
    ['ja', ja, ['別のタブで着信中', 'ここで応答'], ['別のタブで通話中', '通話は応答したタブで続きます。'], ['別のタブで待受中', 'このタブを使う']],
  ] as const)('offers Answer here while it rings, Use this tab while idle, and nothing while it talks (%s)', async (lang, t, [ringText, answerHere], [talkText, stays], [idleText, useTab]) => {
    const ring = await follower(lang, ringing);
    expect(shown(ring.el)).toEqual({ text: expect.stringContaining(ringText), buttons: [answerHere] });
    expect(shown(ring.el).text).toContain('03-1234-5678');
    for (const f of cleanup.splice(0).reverse()) f();
    const talk = await follower(lang, talking);
    expect(shown(talk.el)).toEqual({ text: expect.stringContaining(talkText), buttons: [] });
    expect(shown(talk.el).text).toContain(stays);
    expect(shown(talk.el).text).toMatch(/ 1:\d\d /); // answered over a minute ago: the timer runs from then
    for (const f of cleanup.splice(0).reverse()) f();
    const rest = await follower(lang, idle);
    expect(shown(rest.el)).toEqual({ text: `${idleText} ${useTab}`, buttons: [useTab] });
    expect(t.tabs.online).toBe(idleText);
  });

  /** Type `number` in the dialer and press Call. */
  function dial(el: GagPhone, number: string): void {
    const input = el.shadowRoot!.querySelector<HTMLInputElement>('input[name=number]')!;
    input.value = number;
    input.dispatchEvent(new InputEvent('input'));
    el.shadowRoot!.querySelector<HTMLButtonElement>('button.call')!.click();
  }

  test('shows the dialer only when the leading tab can dial', async () => {
    const { el } = await follower('en', idle);
    expect(el.shadowRoot!.querySelector('form.dialer')).toBeNull();
    for (const f of cleanup.splice(0).reverse()) f();
    const other = await follower('en', dials);
    expect(other.el.shadowRoot!.querySelector('form.dialer')).not.toBeNull();
  });

  test('its Call button dials through the leading tab; once that tab dials, the field is cleared and no error shows', async () => {
    const { el, asked } = await follower('en', dials, () => null);
    const errors: string[] = [];
    el.addEventListener('gag-error', (e) => errors.push((e as CustomEvent<{ message: string }>).detail.message));
    dial(el, '0312345678');
    await expect.poll(() => asked).toEqual(['0312345678']);
    await expect.poll(() => el.shadowRoot!.querySelector<HTMLInputElement>('input[name=number]')!.value).toBe('');
    expect(el.shadowRoot!.querySelector('.error')).toBeNull();
    expect(errors).toEqual([]);
  });

  test("a refused dial shows the leader's reason in this tab's language, as the leading tab would, and fires gag-error", async () => {
    const { el, asked } = await follower('ja', dials, () => 'rate_limited');
    const errors: Array<{ code: string; message: string }> = [];
    el.addEventListener('gag-error', (e) => errors.push((e as CustomEvent<{ code: string; message: string }>).detail));
    dial(el, '0312345678');
    await expect.poll(() => el.shadowRoot!.querySelector('[role=alert]')?.textContent).toBe(ja.dialErrors.rate_limited);
    expect(asked).toEqual(['0312345678']);
    expect(errors).toEqual([{ code: 'GAG_DIAL_FAILED', message: ja.dialErrors.rate_limited, reason: '' }]);
    expect(el.shadowRoot!.querySelector<HTMLInputElement>('input[name=number]')!.value).toBe('0312345678');
  });

  test('tel: links of the page dial through the leading tab', async () => {
    const { el, asked } = await follower('en', dials, () => null);
    el.telLinks = true;
    const link = document.createElement('a');
    link.href = 'tel:+81-3-1234-5678';
    link.textContent = 'call';
    document.body.append(link);
    cleanup.push(() => link.remove());
    let opened = true;
    document.addEventListener('click', (e) => (opened = !e.defaultPrevented), { once: true });
    link.click();
    expect(opened).toBe(false);
    await expect.poll(() => asked).toEqual(['+81-3-1234-5678']);
  });
});
