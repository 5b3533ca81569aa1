/**
 * Many CRM tabs, one phone: the tab holding a Web Lock connects and rings; the others mirror it
 * over a BroadcastChannel and can take the phone over with a click.
 * @packageDocumentation
 */
import { DialError, DIAL_TIMEOUT_MS, type Call, type GagClient } from '@gag/sdk';
import { remotePhoneOf, type PhoneSource, type RemotePhone } from './remote-phone.js';
import { TabChannel, type TabMessage } from './tab-channel.js';
import { TabLock } from './tab-lock.js';

/**
 * How long a tab taking a ringing call over waits, once connected, for the gateway to ring it
 * with that call. A gateway too old to ring a phone that logs in late never does: the tab gives
 * up and the call rings on in the other tab.
 */
export const TAKEOVER_RING_WAIT_MS = 5_000;

/**
 * How long a following tab waits for the leading tab's answer to a dial: the leader's own wait
 * for the gateway, and a little more. A leader that went away meanwhile never answers.
 */
export const TAB_DIAL_TIMEOUT_MS = DIAL_TIMEOUT_MS + 2_000;

/** What the tabs read of a client: its state and calls, and its events; and it dials for the other tabs. */
export type TabClient = PhoneSource & Pick<GagClient, 'on' | 'off' | 'dial'>;

/** The phone element, as the tabs drive it. */
export interface TabsHost {
  /**
   * This tab holds the phone now: create the client, attach the view to it, connect it, return
   * it (undefined: it could not be created; the view says why).
   */
  lead(): TabClient | undefined;
  /**
   * Another tab holds the phone: let go of the client `lead()` returned, if any (remove your
   * listeners and `disconnect()`: never reject, its calls ring on in the other tab), and show
   * `remote` (null: that tab has not said yet). Called again on every change there.
   */
  follow(remote: RemotePhone | null): void;
}

/** Where a tab stands. */
export type TabRole = 'following' | 'taking-over' | 'leading' | 'leaving' | 'closed';

/** How the tabs of a phone find each other. */
export interface PhoneTabsOptions {
  /**
   * One name per phone, the same in every tab: {@link phoneLockName}. A promise (the token comes
   * from a callback or a URL) that rejects makes this tab hold a phone of its own: its
   * connection will say what is wrong.
   */
  readonly name: string | Promise<string>;
  readonly host: TabsHost;
  /**
   * The browser's Web Locks (`navigator.locks`). Without them (an old browser, a page that is not
   * a secure context) or without BroadcastChannel, every tab holds a phone of its own.
   */
  readonly locks: LockManager | undefined;
  /** Default {@link TAKEOVER_RING_WAIT_MS}. */
  readonly ringWaitMs?: number;
  /** Default {@link TAB_DIAL_TIMEOUT_MS}. */
  readonly dialWaitMs?: number;
}

/** The extension claim of a JWT, read but not verified: it only groups this browser's tabs. */
function extensionClaim(token: string): string {
  try {
    const claims: unknown = JSON.parse(atob((token.split('.')[1] ?? '').replace(/-/g, '+').replace(/_/g, '/')));
    const ext = (claims as { ext?: unknown } | null)?.ext;
    return typeof ext === 'string' ? ext : '';
  } catch {
    return ''; // not a JWT: the gateway will say so; the tabs of this server share one phone
  }
}

/**
 * The name the tabs of one phone share: the gateway and the token's extension (a fresh token per
 * page still names the same phone).
 * @example phoneLockName('wss://gw.example.com:8766', token) // 'gag-phone:wss://gw.example.com:8766:2001'
 */
export function phoneLockName(server: string, token: string): string {
  return `gag-phone:${server}:${extensionClaim(token)}`;
}

/**
 * One tab's part in sharing a phone across the browser's tabs. The tab holding the lock leads:
 * it connects, rings and tells the others its phone after every change. The others follow: they
 * show that phone and can `takeOver()`. Closing the leading tab hands the lock to the next one.
 * A takeover connects first, as a second phone of the extension, and takes the lock only once
 * the call it answers rings there too, so the call is never without a phone.
 * @example
 * const tabs = new PhoneTabs({ name: phoneLockName(server, token), host: element, locks: navigator.locks });
 * answerHereButton.onclick = () => tabs.takeOver();
 */
export class PhoneTabs {
  readonly #id = Math.random().toString(36); // 52 random bits: unique among a browser's tabs
  readonly #host: TabsHost;
  #lock: TabLock | undefined;
  #channel: TabChannel | undefined;
  readonly #ringWaitMs: number;
  readonly #dialWaitMs: number;
  /** This tab's dials through the leading tab, waiting for its answer, by request id. */
  readonly #dials = new Map<string, (reason: string | null) => void>();
  #role: TabRole = 'following';
  #client: TabClient | undefined;
  #unwatch: (() => void) | undefined;
  #remote: RemotePhone | null = null;
  #remoteFrom: string | undefined;
  /** The call a takeover answers as soon as it rings here. */
  #answerHere: string | undefined;
  #ringWait: ReturnType<typeof setTimeout> | undefined;
  #stealing = false;
  /** The last call that ended in this tab, told with the phone (the others' `gag-ended` reason). */
  #ended: RemotePhone['ended'] = null;

  constructor(options: PhoneTabsOptions) {
    this.#host = options.host;
    this.#ringWaitMs = options.ringWaitMs ?? TAKEOVER_RING_WAIT_MS;
    this.#dialWaitMs = options.dialWaitMs ?? TAB_DIAL_TIMEOUT_MS;
    const locks = options.locks;
    if (locks === undefined || typeof BroadcastChannel === 'undefined') {
      this.#lead(); // every tab its own phone, as before tabs were shared
      return;
    }
    if (typeof options.name === 'string') this.#join(options.name, locks);
    else {
      options.name.then(
        (name) => this.#join(name, locks),
        () => this.#role === 'following' && this.#lead(),
      );
    }
  }

  get role(): TabRole {
    return this.#role;
  }

  /** The leading tab's phone, as this tab last heard it (null: nothing heard yet). */
  get remote(): RemotePhone | null {
    return this.#remote;
  }

  /** Whether the view should answer `call` at once: the call a takeover came for. */
  answersHere(call: Call): boolean {
    return call.id === this.#answerHere;
  }

  /**
   * Take the phone into this tab (a following tab's "Answer here" / "Use this tab"). A ringing
   * call comes along and is answered here; a call in progress stays in its tab (nothing happens).
   */
  takeOver(): void {
    if (this.#role !== 'following' || this.#lock === undefined) return;
    const call = this.#remote?.call ?? null;
    if (call?.state === 'talking') return;
    this.#answerHere = call?.state === 'ringing' ? call.id : undefined;
    this.#role = 'taking-over';
    this.#stealing = false;
    const client = this.#host.lead();
    if (client === undefined) return this.#follow();
    this.#attach(client);
  }

  /**
   * A following tab's click-to-call: the leading tab dials `number` through its connection (the
   * call back rings and answers itself there). Resolves once it is dialing; rejects with the
   * leader's {@link DialError}, or reason `timeout` when no answer comes in time.
   */
  dial(number: string): Promise<void> {
    const id = Math.random().toString(36); // the answer goes to every tab: this one knows its own
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => done('timeout'), this.#dialWaitMs);
      const done = (reason: string | null): void => {
        clearTimeout(timer);
        this.#dials.delete(id);
        if (reason === null) resolve();
        else reject(new DialError(reason as DialError['reason'], 'the leading tab could not dial'));
      };
      this.#dials.set(id, done);
      this.#channel?.post({ type: 'dial', from: this.#id, id, number });
    });
  }

  /** This tab leaves (the element left the page): the next tab in line takes the phone. */
  close(): void {
    if (this.#role === 'closed') return;
    const led = this.#role === 'leading' || this.#role === 'leaving';
    this.#detach();
    this.#role = 'closed';
    if (led) this.#channel?.post({ type: 'gone', from: this.#id });
    this.#lock?.release();
    this.#channel?.close();
  }

  #join(name: string, locks: LockManager): void {
    if (this.#role === 'closed') return;
    this.#channel = new TabChannel(name, (m) => this.#onMessage(m));
    this.#lock = new TabLock(locks, name, { granted: () => this.#granted(), stolen: () => this.#stolen() });
    this.#lock.queue();
    this.#channel.post({ type: 'ask', from: this.#id });
  }

  #lead(): void {
    this.#role = 'leading';
    const client = this.#host.lead();
    if (client !== undefined) this.#attach(client);
    this.#tell();
  }

  #granted(): void {
    if (this.#role === 'closed') return this.#lock?.release();
    this.#remote = null;
    this.#remoteFrom = undefined;
    if (this.#role !== 'taking-over') return this.#lead();
    clearTimeout(this.#ringWait);
    this.#answerHere = undefined;
    this.#role = 'leading';
    this.#tell();
  }

  #stolen(): void {
    if (this.#role !== 'leading') return;
    const talking = this.#client?.calls.find((c) => c.state === 'talking');
    if (talking === undefined) return this.#follow();
    // Cannot happen by a click (no takeover of a call in progress), only by a race: the call stays.
    this.#role = 'leaving';
    talking.once('ended', () => {
      if (this.#role === 'leaving') this.#follow();
    });
  }

  /** Let go of this tab's client and show the leading tab's phone; wait in line again. */
  #follow(): void {
    clearTimeout(this.#ringWait);
    this.#answerHere = undefined;
    this.#detach();
    this.#role = 'following';
    this.#host.follow(this.#remote);
    this.#lock?.queue();
    this.#channel?.post({ type: 'ask', from: this.#id });
  }

  #onMessage(message: TabMessage): void {
    if (this.#role === 'closed') return;
    switch (message.type) {
      case 'ask':
        if (this.#role === 'leading') this.#tell();
        return;
      case 'dial':
        if (this.#role === 'leading') void this.#dialFor(message.id, message.number);
        return;
      case 'dialed':
        this.#dials.get(message.id)?.(message.reason);
        return;
      case 'gone':
        if (message.from !== this.#remoteFrom) return;
        this.#remote = null;
        break;
      case 'phone':
        this.#remote = message.phone;
        this.#remoteFrom = message.from;
        break;
    }
    if (this.#role === 'following') this.#host.follow(this.#remote);
    if (this.#role === 'taking-over') this.#maybeSteal();
  }

  /** Dial `number` for a following tab, and tell it how that went (dial `id`). */
  async #dialFor(id: string, number: string): Promise<void> {
    let reason: string | null = null;
    try {
      await this.#client!.dial(number); // none (it could not be created): a TypeError, told as originate_failed
    } catch (e) {
      reason = e instanceof DialError ? e.reason : 'originate_failed';
    }
    this.#channel?.post({ type: 'dialed', from: this.#id, id, reason });
  }

  /** Tell the other tabs this tab's phone. */
  #tell(): void {
    if (this.#role === 'leading' && this.#client !== undefined) this.#channel?.post({ type: 'phone', from: this.#id, phone: remotePhoneOf(this.#client, this.#ended) });
  }

  /**
   * A takeover takes the lock once this tab is online and nothing is lost by it: the call it came
   * for rings here (or is gone). When the other tab answered meanwhile, the call stays there.
   */
  #maybeSteal(): void {
    const client = this.#client;
    if (this.#role !== 'taking-over' || this.#stealing || client?.state !== 'online') return;
    const there = this.#remote?.call ?? null;
    if (there?.state === 'talking') return this.#follow();
    const waiting = this.#answerHere !== undefined && there?.id === this.#answerHere && !client.calls.some((c) => c.id === this.#answerHere);
    if (waiting) {
      this.#ringWait ??= setTimeout(() => {
        if (this.#role === 'taking-over' && !this.#stealing) this.#follow();
      }, this.#ringWaitMs);
      return;
    }
    this.#stealing = true;
    clearTimeout(this.#ringWait);
    this.#lock?.steal();
  }

  /** Follow `client`: tell the other tabs its changes, and drive a takeover. */
  #attach(client: TabClient): void {
    this.#client = client;
    const calls = new Map<Call, () => void>();
    const changed = (): void => {
      this.#tell();
      this.#maybeSteal();
    };
    const onState = (): void => {
      // A takeover whose connection failed: the view says why; the phone stays in the other tab.
      if (this.#role === 'taking-over' && client.state === 'offline') return this.#follow();
      changed();
    };
    const onIncoming = (call: Call): void => {
      const onCallState = (): void => {
        if (call.state === 'ended') {
          call.off('state', onCallState); // a day of calls is not kept in memory
          calls.delete(call);
          this.#ended = { id: call.id, reason: call.endReason ?? 'failed' };
        }
        changed();
      };
      calls.set(call, onCallState);
      call.on('state', onCallState);
      changed();
    };
    client.on('state', onState);
    client.on('connected', changed);
    client.on('incoming', onIncoming);
    this.#unwatch = () => {
      client.off('state', onState);
      client.off('connected', changed);
      client.off('incoming', onIncoming);
      for (const [call, onCallState] of calls) call.off('state', onCallState);
    };
  }

  #detach(): void {
    clearTimeout(this.#ringWait);
    this.#ringWait = undefined;
    this.#unwatch?.();
    this.#unwatch = undefined;
    this.#client = undefined;
  }
}
