/**
 * The relay's totals for the metrics, summed from the counters each connection keeps: a phone
 * counts every frame it sends to its browser or drops (`Phone.stats`), an Asterisk leg every frame
 * it sends to Asterisk or drops (`AsteriskLeg.stats`). Each frame is counted once, there; these
 * totals add the connections open now to those already closed, at read time (a scrape), so
 * nothing on the audio path touches them.
 * @packageDocumentation
 */
import type { AsteriskLeg } from '../asterisk/leg.js';
import type { Phone } from '../browser/phone.js';

/**
 * Totals of the audio relayed since start, in 20 ms frames of each call's codec and in bytes.
 * @example const { framesToBrowser, framesDroppedToBrowser }: RelayCounters = totals; const lossRatio = framesDroppedToBrowser / (framesToBrowser + framesDroppedToBrowser);
 */
export interface RelayCounters {
  /** Audio frames sent to browsers. */
  readonly framesToBrowser: number;
  /** Bytes of audio sent to browsers. */
  readonly bytesToBrowser: number;
  /** Audio frames sent to Asterisk. */
  readonly framesToAsterisk: number;
  /** Bytes of audio sent to Asterisk. */
  readonly bytesToAsterisk: number;
  /** Not sent: the browser had more than MAX_BROWSER_BACKLOG_MS of audio unread. */
  readonly framesDroppedToBrowser: number;
  /** Not sent: Asterisk had said MEDIA_XOFF, had not read the last MAX_ASTERISK_BACKLOG_MS of audio, or the leg was ending. */
  readonly framesDroppedToAsterisk: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const ZERO: RelayCounters = { framesToBrowser: 0, bytesToBrowser: 0, framesToAsterisk: 0, bytesToAsterisk: 0, framesDroppedToBrowser: 0, framesDroppedToAsterisk: 0 };

/** What a phone's counters add to the totals. */
function ofPhone({ stats }: Phone): Partial<RelayCounters> {
  return { framesToBrowser: stats.framesOut, bytesToBrowser: stats.bytesOut, framesDroppedToBrowser: stats.framesDroppedBacklog };
}

/** What a leg's counters add to the totals. */
function ofLeg({ stats }: AsteriskLeg): Partial<RelayCounters> {
  return {
    framesToAsterisk: stats.framesOut,
    bytesToAsterisk: stats.bytesOut,
    framesDroppedToAsterisk: stats.framesDroppedXoff + stats.framesDroppedBacklog + stats.framesDroppedEnding,
  };
}

/**
 * The relay totals: read like plain counters (`totals.framesToBrowser`), always current.
 * @example
 * totals.addPhone(phone); totals.addLeg(leg);
 * metrics.render(); // reads totals.framesToBrowser, …
 */
export class RelayTotals implements RelayCounters {
  readonly #phones = new Set<Phone>();
  readonly #legs = new Set<AsteriskLeg>();
  /** What connections already closed counted. */
  readonly #closed: Mutable<RelayCounters> = { ...ZERO };

  /** Count `phone`'s audio from now on, and keep it when the phone closes. */
  addPhone(phone: Phone): void {
    this.#phones.add(phone);
    phone.once('closed', () => this.#retire(this.#phones, phone, ofPhone(phone)));
  }

  /** Count `leg`'s audio from now on, and keep it when the leg closes. */
  addLeg(leg: AsteriskLeg): void {
    this.#legs.add(leg);
    leg.once('closed', () => this.#retire(this.#legs, leg, ofLeg(leg)));
  }

  get framesToBrowser(): number {
    return this.#sum('framesToBrowser');
  }
  get bytesToBrowser(): number {
    return this.#sum('bytesToBrowser');
  }
  get framesToAsterisk(): number {
    return this.#sum('framesToAsterisk');
  }
  get bytesToAsterisk(): number {
    return this.#sum('bytesToAsterisk');
  }
  get framesDroppedToBrowser(): number {
    return this.#sum('framesDroppedToBrowser');
  }
  get framesDroppedToAsterisk(): number {
    return this.#sum('framesDroppedToAsterisk');
  }

  /** Moved from the open to the closed in one step, so the totals never go back. */
  #retire<T>(open: Set<T>, connection: T, counted: Partial<RelayCounters>): void {
    if (!open.delete(connection)) return;
    for (const [key, value] of Object.entries(counted) as [keyof RelayCounters, number][]) this.#closed[key] += value;
  }

  #sum(key: keyof RelayCounters): number {
    let total = this.#closed[key];
    for (const phone of this.#phones) total += ofPhone(phone)[key] ?? 0;
    for (const leg of this.#legs) total += ofLeg(leg)[key] ?? 0;
    return total;
  }
}
