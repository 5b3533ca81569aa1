/**
 * Many CRM tabs, one phone: the tab holding a Web Lock connects and rings; the others mirror it
 * over a BroadcastChannel and can take the phone over with a click.
 * @packageDocumentation
 */
import { DialError, type Call } from '@gag/sdk';
import { remotePhoneOf, type RemotePhone } from './remote-phone.js';
import { nextTabState, type TabEvent, type TabRole, type TabState } from './role-machine.js';
import { TabChannel, type TabMessage } from './tab-channel.js';
import { TabLock } from './tab-lock.js';
import { TAB_DIAL_TIMEOUT_MS, TAKEOVER_RING_WAIT_MS, type PhoneTabsOptions, type TabClient, type TabsHost } from './tabs-host.js';

export { phoneLockName } from './lock-name.js';
export type { TabRole } from './role-machine.js';
export { TAB_DIAL_TIMEOUT_MS, TAKEOVER_RING_WAIT_MS, type PhoneTabsOptions, type TabClient, type TabsHost } from './tabs-host.js';

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
  /** Changed only by {@link PhoneTabs.#go} (role-machine.ts). */
  #state: TabState = { role: 'following' };
  #client: TabClient | undefined;
  #unwatch: (() => void) | undefined;
  #remote: RemotePhone | null = null;
  #remoteFrom: string | undefined;
  /** A takeover's wait for its call to ring here: owned by `taking-over`, cleared on leaving it. */
  #ringWait: ReturnType<typeof setTimeout> | undefined;
  /** The last call that ended in this tab, told with the phone (the others' `gag-ended` reason). */
  #ended: RemotePhone['ended'] = null;

  constructor(options: PhoneTabsOptions) {
    this.#host = options.host;
    this.#ringWaitMs = options.ringWaitMs ?? TAKEOVER_RING_WAIT_MS;
    this.#dialWaitMs = options.dialWaitMs ?? TAB_DIAL_TIMEOUT_MS;
    const locks = options.locks;
    if (locks === undefined || typeof BroadcastChannel === 'undefined') {
      this.#go('lead'); // every tab its own phone, as before tabs were shared
      return;
    }
    if (typeof options.name === 'string') this.#join(options.name, locks);
    else {
      options.name.then(
        (name) => this.#join(name, locks),
        () => this.#state.role === 'following' && this.#go('lead'),
      );
    }
  }

  get role(): TabRole {
    return this.#state.role;
  }

  /** The leading tab's phone, as this tab last heard it (null: nothing heard yet). */
  get remote(): RemotePhone | null {
    return this.#remote;
  }

  /** Whether the view should answer `call` at once: the call a takeover came for. */
  answersHere(call: Call): boolean {
    return 'answerHere' in this.#state && call.id === this.#state.answerHere;
  }

  /**
   * Take the phone into this tab (a following tab's "Answer here" / "Use this tab"). A ringing
   * call comes along and is answered here; a call in progress stays in its tab (nothing happens).
   */
  takeOver(): void {
    if (this.#state.role !== 'following' || this.#lock === undefined) return;
    const call = this.#remote?.call ?? null;
    if (call?.state === 'talking') return;
    this.#go('takeOver', call?.state === 'ringing' ? call.id : undefined);
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
    if (this.#state.role !== 'closed') this.#go('close');
  }

  #join(name: string, locks: LockManager): void {
    if (this.#state.role === 'closed') return;
    this.#channel = new TabChannel(name, (m) => this.#onMessage(m));
    this.#lock = new TabLock(locks, name, { granted: () => this.#granted(), stolen: () => this.#stolen() });
    this.#lock.queue();
    this.#channel.post({ type: 'ask', from: this.#id });
  }

  #granted(): void {
    if (this.#state.role === 'closed') return this.#lock?.release();
    this.#go('granted');
  }

  #stolen(): void {
    if (this.#state.role !== 'leading') return;
    // In a call: cannot happen by a click (no takeover of a call in progress), only by a race: the call stays.
    this.#go(this.#client?.calls.some((c) => c.state === 'talking') === true ? 'stolenInCall' : 'stolen');
  }

  /**
   * The only place the role changes (role-machine.ts); side effects follow, keyed by the new role.
   * `ringingThere`: for `takeOver`, the call it answers here.
   */
  #go(event: TabEvent, ringingThere?: string): void {
    const from = this.#state.role;
    this.#state = nextTabState(this.#state, event, ringingThere);
    if (from === 'taking-over') {
      clearTimeout(this.#ringWait);
      this.#ringWait = undefined;
    }
    switch (this.#state.role) {
      case 'taking-over': {
        const client = this.#host.lead();
        if (client === undefined) return this.#go('giveUp'); // the view says why
        return this.#attach(client);
      }
      case 'stealing':
        return this.#lock?.steal();
      case 'leading':
        this.#remote = null;
        this.#remoteFrom = undefined;
        // A takeover leads with the client it connected; a tab from the line connects one now.
        if (this.#client === undefined) {
          const client = this.#host.lead();
          if (client !== undefined) this.#attach(client);
        }
        return this.#tell();
      case 'leaving':
        return void this.#client?.calls.find((c) => c.state === 'talking')?.once('ended', () => {
          if (this.#state.role === 'leaving') this.#go('callEnded');
        });
      case 'following':
        // Let go of this tab's client and show the leading tab's phone; wait in line again.
        this.#detach();
        this.#host.follow(this.#remote);
        this.#lock?.queue();
        return this.#channel?.post({ type: 'ask', from: this.#id });
      case 'closed':
        this.#detach();
        if (from === 'leading' || from === 'leaving') this.#channel?.post({ type: 'gone', from: this.#id });
        this.#lock?.release();
        return this.#channel?.close();
    }
  }

  #onMessage(message: TabMessage): void {
    const { role } = this.#state;
    if (role === 'closed') return;
    switch (message.type) {
      case 'ask':
        if (role === 'leading') this.#tell();
        return;
      case 'dial':
        if (role === 'leading') void this.#dialFor(message.id, message.number);
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
    if (role === 'following') this.#host.follow(this.#remote);
    if (role === 'taking-over') this.#maybeSteal();
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
    if (this.#state.role === 'leading' && this.#client !== undefined) this.#channel?.post({ type: 'phone', from: this.#id, phone: remotePhoneOf(this.#client, this.#ended) });
  }

  /**
   * A takeover takes the lock once this tab is online and nothing is lost by it: the call it came
   * for rings here (or is gone). When the other tab answered meanwhile, the call stays there.
   */
  #maybeSteal(): void {
    const state = this.#state;
    const client = this.#client;
    if (state.role !== 'taking-over' || client?.state !== 'online') return;
    const there = this.#remote?.call ?? null;
    if (there?.state === 'talking') return this.#go('giveUp');
    const { answerHere } = state;
    const waiting = answerHere !== undefined && there?.id === answerHere && !client.calls.some((c) => c.id === answerHere);
    if (!waiting) return this.#go('steal');
    this.#ringWait ??= setTimeout(() => {
      if (this.#state.role === 'taking-over') this.#go('giveUp');
    }, this.#ringWaitMs);
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
      const { role } = this.#state;
      if ((role === 'taking-over' || role === 'stealing') && client.state === 'offline') return this.#go('giveUp');
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
    this.#unwatch?.();
    this.#unwatch = undefined;
    this.#client = undefined;
  }
}
