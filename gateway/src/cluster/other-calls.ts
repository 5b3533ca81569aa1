/**
 * The other nodes' calls as this node last heard of them (issue 17), for `/monitor`: each node
 * tells the cluster of every change of state of its calls on the bus; a resync from Redis (when
 * Redis or a node comes back) fills in what was missed, and a node's death takes its calls. Kept
 * in memory so a dashboard's first picture holds every node's calls without waiting on Redis.
 * @packageDocumentation
 */
import { EventEmitter } from 'eventemitter3';
import type { CallState } from '@gag/sdk/protocol';
import type { ClusterCallView } from './call-directory.js';

/** Events of {@link OtherCalls}. */
export interface OtherCallsEvents {
  /** A call of another node changed state (`previous`: the state before; the view's `node` says whose). */
  call: (call: ClusterCallView, previous: CallState) => void;
  /** A click-to-call request's outcome or a fork's change on another node, as that node's `/monitor` shows it, with its `node`. */
  activity: (event: 'dial' | 'fork', body: Readonly<Record<string, unknown>> & { readonly node: string }) => void;
}

/**
 * Other nodes' calls, by id.
 * @example others.on('call', (call, previous) => monitor.remoteCall(call, previous));
 */
export class OtherCalls extends EventEmitter<OtherCallsEvents> {
  readonly #calls = new Map<string, ClusterCallView>();

  /** The live calls of the other nodes now. */
  get all(): ClusterCallView[] {
    return [...this.#calls.values()];
  }

  /** Node `call.node` says its call changed (an ended call goes). */
  changed(call: ClusterCallView, previous: CallState): void {
    if (call.state === 'ended') this.#calls.delete(call.id);
    else this.#calls.set(call.id, call);
    this.emit('call', call, previous);
  }

  /** Node `node` says a dial or a fork of its own changed. */
  activity(node: string, event: 'dial' | 'fork', body: Readonly<Record<string, unknown>>): void {
    this.emit('activity', event, { ...body, node });
  }

  /** What Redis holds of `node`'s calls now: the truth after a gap. */
  resync(node: string, calls: readonly ClusterCallView[]): void {
    const live = new Set(calls.map((c) => c.id));
    for (const [id, call] of this.#calls) if (call.node === node && !live.has(id)) this.#calls.delete(id);
    for (const call of calls) this.#calls.set(call.id, call);
  }

  /** Node `node` died: its calls ended with it. */
  nodeDied(node: string): void {
    for (const [id, call] of this.#calls) {
      if (call.node !== node) continue;
      this.#calls.delete(id);
      this.emit('call', { ...call, state: 'ended', endReason: 'failed' }, call.state);
    }
  }
}
