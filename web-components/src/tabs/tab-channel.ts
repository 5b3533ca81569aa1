/**
 * What the tabs of one phone tell each other over a BroadcastChannel: the leading tab's phone,
 * a follower asking for it, a follower's click-to-call and its outcome, and the leader going
 * away. No token ever crosses it.
 * @packageDocumentation
 */
import type { RemotePhone } from './remote-phone.js';

/** Bumped when a message changes shape: tabs still running an older script ignore the new ones. */
const TAB_PROTOCOL = 1;

/** One message between the tabs of a phone; `from` is the sending tab's id. */
export type TabMessage =
  /** The leading tab's phone now (after every change, and in answer to `ask`). */
  | { readonly type: 'phone'; readonly from: string; readonly phone: RemotePhone }
  /** A tab that follows asks the leader to say `phone` again. */
  | { readonly type: 'ask'; readonly from: string }
  /** The leading tab lets go of the phone (the element left the page, or another tab took over). */
  | { readonly type: 'gone'; readonly from: string }
  /** A tab that follows asks the leader to dial `number` (a click-to-call through its connection). */
  | { readonly type: 'dial'; readonly from: string; readonly id: string; readonly number: string }
  /** The leader's answer to `dial` `id`: null when it is dialing, else the `DialError` reason. */
  | { readonly type: 'dialed'; readonly from: string; readonly id: string; readonly reason: string | null };

const TYPES: ReadonlySet<string> = new Set(['phone', 'ask', 'gone', 'dial', 'dialed']);

/**
 * Only our own script in another tab of this origin posts here, but it may be another version of
 * it (a tab opened before a deploy): check the version and the fields this version reads.
 */
function parseTabMessage(data: unknown): TabMessage | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const m = data as { gag?: unknown; type?: unknown; from?: unknown; id?: unknown; number?: unknown; phone?: { connection?: unknown; call?: unknown } };
  if (m.gag !== TAB_PROTOCOL || typeof m.type !== 'string' || !TYPES.has(m.type) || typeof m.from !== 'string') return undefined;
  if (m.type === 'phone' && (typeof m.phone?.connection !== 'string' || typeof m.phone.call !== 'object')) return undefined;
  if (m.type.startsWith('dial') && typeof m.id !== 'string') return undefined; // dial, dialed
  if (m.type === 'dial' && typeof m.number !== 'string') return undefined;
  return data as TabMessage;
}

/**
 * The channel of one phone (named like its lock), in this tab.
 * @example
 * const channel = new TabChannel('gag-phone:wss://gw:8766:2001', (m) => console.log(m.type));
 * channel.post({ type: 'ask', from: tabId });
 */
export class TabChannel {
  readonly #channel: BroadcastChannel;

  constructor(name: string, onMessage: (message: TabMessage) => void) {
    this.#channel = new BroadcastChannel(name);
    this.#channel.onmessage = (e: MessageEvent<unknown>) => {
      const message = parseTabMessage(e.data);
      if (message !== undefined) onMessage(message);
    };
  }

  /** To every other tab (a BroadcastChannel never delivers to its sender). */
  post(message: TabMessage): void {
    this.#channel.postMessage({ gag: TAB_PROTOCOL, ...message });
  }

  close(): void {
    this.#channel.close();
  }
}
