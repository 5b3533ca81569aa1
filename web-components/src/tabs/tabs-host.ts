/**
 * What `PhoneTabs` (phone-tabs.ts) needs from the page: the phone element that creates and shows clients,
 * the phone's name, Web Locks, and how long a takeover and a dial through another tab wait.
 * @packageDocumentation
 */
import { DIAL_TIMEOUT_MS, type GagClient } from '@gag/sdk';
import type { PhoneSource, RemotePhone } from './remote-phone.js';

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

/** How the tabs of a phone find each other. */
export interface PhoneTabsOptions {
  /**
   * One name per phone, the same in every tab: `phoneLockName()` (lock-name.ts). A promise (the token comes
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
