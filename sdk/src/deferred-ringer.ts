/**
 * The client's ringer, loaded with the call media (call-media.ts) the first time it is needed: a
 * page with an idle phone does not carry the ringtone's code. Behaves as a `Ringer`: a ring
 * stopped (or superseded) while the code loads never sounds.
 * @packageDocumentation
 * @internal
 */
import type { RingKind, Ringer } from './audio/ringer.js';
import type { CallMedia } from './call-media-loader.js';
import type { RingerLike } from './incoming-ring.js';

/**
 * @example
 * const ringer = new DeferredRinger(loadCallMedia);
 * await ringer.start('ringtone'); // loads call-media.ts, then rings
 * ringer.stop();
 */
export class DeferredRinger implements RingerLike {
  readonly #load: () => Promise<CallMedia>;
  #ringer: Ringer | undefined;
  /** Bumped by every start, stop and close: a start that finished loading after a later one of them gives up. */
  #turn = 0;

  constructor(load: () => Promise<CallMedia>) {
    this.#load = load;
  }

  /** As `Ringer.start`, once the code is loaded; `'playing'` when stopped meanwhile. */
  async start(kind: RingKind): Promise<'playing' | 'blocked'> {
    const turn = ++this.#turn;
    const ringer = await this.#get();
    return turn === this.#turn ? ringer.start(kind) : 'playing';
  }

  stop(): void {
    this.#turn++;
    this.#ringer?.stop();
  }

  /** As `Ringer.unlock` (call it from a click). */
  async unlock(): Promise<boolean> {
    return (await this.#get()).unlock();
  }

  /** As `Ringer.close`; nothing to release when it never rang. */
  async close(): Promise<void> {
    this.#turn++;
    await this.#ringer?.close();
  }

  async #get(): Promise<Ringer> {
    const { Ringer } = await this.#load();
    return (this.#ringer ??= new Ringer());
  }
}
