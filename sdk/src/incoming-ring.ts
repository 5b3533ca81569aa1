/**
 * The ringtone policy of a client: ring while at least one call rings here, and say when the
 * browser blocked the sound (autoplay) so the UI can ask for a click.
 * @packageDocumentation
 */
import type { RingKind } from './audio/ringer.js';
import type { Call } from './call.js';

/** What the policy needs of a ringer (a `Ringer`, or a fake in Node tests). */
export interface RingerLike {
  start(kind: RingKind): Promise<'playing' | 'blocked'>;
  stop(): void;
}

/**
 * Rings from the first ringing call until none rings (each leaves on its first state change:
 * answered, rejected, ended). `onBlocked` runs when a ring could not start without a gesture
 * and calls still ring.
 * @example
 * const ring = new IncomingRing(new Ringer(), () => client.emit('audioBlocked'), (err) => log.warn({ err }, 'ringtone failed'));
 * client.on('incoming', (call) => ring.add(call));
 * @internal
 */
export class IncomingRing {
  readonly #ringer: RingerLike;
  readonly #onBlocked: () => void;
  readonly #onError: (err: unknown) => void;
  readonly #ringing = new Set<Call>();

  constructor(ringer: RingerLike, onBlocked: () => void, onError: (err: unknown) => void) {
    this.#ringer = ringer;
    this.#onBlocked = onBlocked;
    this.#onError = onError;
  }

  /** Calls ringing now. */
  get size(): number {
    return this.#ringing.size;
  }

  /** Ring for `call` until it leaves `ringing`. */
  add(call: Call): void {
    // The call back of the user's own click-to-call does not ring: the user just asked for it.
    if (call.state !== 'ringing' || call.dialedHere || this.#ringing.has(call)) return;
    this.#ringing.add(call);
    const onState = (): void => {
      if (call.state === 'ringing') return;
      call.off('state', onState);
      this.#ringing.delete(call);
      if (this.#ringing.size === 0) this.#ringer.stop();
    };
    call.on('state', onState);
    if (this.#ringing.size > 1) return; // already ringing
    let started: Promise<'playing' | 'blocked'>;
    try {
      started = this.#ringer.start('ringtone');
    } catch (err) {
      return this.#onError(err); // no Web Audio here: the call still rings on screen
    }
    started.then(
      (result) => {
        if (result === 'blocked' && this.#ringing.size > 0) this.#onBlocked();
      },
      (err: unknown) => this.#onError(err),
    );
  }
}
