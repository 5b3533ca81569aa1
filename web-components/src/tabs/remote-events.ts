/**
 * The `gag-*` call events of `<gag-phone>` in a tab that follows another tab's phone: fired from
 * the mirrored call, once per transition however often the leading tab says its phone again.
 * @packageDocumentation
 */
import type { ReactiveControllerHost } from 'lit';
import type { EndReason } from '@gag/sdk';
import { callDetail, gagEvent } from '../events.js';
import type { RemoteCall, RemotePhone } from './remote-phone.js';

/**
 * The call this tab last showed of another tab's phone, and the events its changes fire (detail
 * `here: false`): `gag-incoming` when a call appears, `gag-answered` when it talks, `gag-ended`
 * when it is gone, with the reason the leading tab told. Nothing heard (null: the leading tab
 * went away, the next one has not said yet) changes nothing. While the call talks the host
 * re-renders every second for the timer.
 * @example
 * readonly #mirror = new RemoteEvents(this);
 * follow: (remote) => this.#mirror.show(remote)
 */
export class RemoteEvents {
  readonly #host: Pick<ReactiveControllerHost, 'requestUpdate'> & EventTarget;
  #call: RemoteCall | null = null;
  #tick: ReturnType<typeof setInterval> | undefined;

  constructor(host: Pick<ReactiveControllerHost, 'requestUpdate'> & EventTarget) {
    this.#host = host;
  }

  /**
   * This tab lets go of the phone with `call` on its screen (its events fired here already): the
   * mirrored call goes on from it, without a second `gag-incoming`.
   */
  seed(call: RemoteCall | null): void {
    this.#call = call;
  }

  /** The leading tab's phone now. */
  show(remote: RemotePhone | null): void {
    this.stop();
    if (remote === null) return;
    const was = this.#call;
    const now = (this.#call = remote.call);
    if (was !== null && was.id !== now?.id) this.#fire('gag-ended', was, remote.ended?.id === was.id ? remote.ended.reason : 'connection_lost');
    if (now === null) return;
    if (was?.id !== now.id) this.#fire('gag-incoming', now);
    if (now.state !== 'talking') return;
    if (was?.id !== now.id || was.state !== 'talking') this.#fire('gag-answered', now);
    this.#tick = setInterval(() => this.#host.requestUpdate(), 1_000);
  }

  /**
   * This tab holds the phone now. A call in progress there was lost with the tab that held it (a
   * takeover never moves one); a ringing one rings here if it still rings.
   */
  lead(): void {
    this.stop();
    if (this.#call?.state === 'talking') this.#fire('gag-ended', this.#call, 'connection_lost');
    this.#call = null;
  }

  /** Stop the timer (the element left the page). */
  stop(): void {
    clearInterval(this.#tick);
  }

  #fire(type: 'gag-incoming' | 'gag-answered' | 'gag-ended', call: RemoteCall, reason?: EndReason): void {
    this.#host.dispatchEvent(gagEvent(type, { ...callDetail(call, false), ...(reason && { reason }) } as { reason: EndReason } & ReturnType<typeof callDetail>));
  }
}
