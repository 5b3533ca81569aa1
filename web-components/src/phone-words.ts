/**
 * The words `<gag-phone>` shows, in its language: loaded when the phone first shows (in the
 * drop-in bundle, a file of their own next to gag-phone.js: src/labels/load.ts).
 * @packageDocumentation
 */
import type { ReactiveControllerHost } from 'lit';
import type { Labels } from './labels/en.js';
import { loadLabels, type Lang } from './labels/load.js';

/**
 * One load per language; the phone renders once the words are here, and shows the page's
 * fallback content (what is inside `<gag-phone>`) if they cannot be loaded.
 * @example
 * readonly #words = new PhoneWords(this, () => this.#maybeConnect());
 * const t = this.#words.get(this.#lang); // undefined until loaded
 */
export class PhoneWords {
  readonly #host: ReactiveControllerHost;
  readonly #loaded: () => void;
  readonly #asked = new Set<Lang>();
  readonly #done = new Map<Lang, Labels>();
  #current: Labels | undefined;
  #failed = false;

  /** `loaded`: the first words arrived. */
  constructor(host: ReactiveControllerHost, loaded: () => void) {
    this.#host = host;
    this.#loaded = loaded;
  }

  /** Whether the words could not be loaded (the gateway went away since the page loaded). */
  get failed(): boolean {
    return this.#failed;
  }

  /**
   * The words of `lang`, or until they arrive those shown before (another language), or nothing
   * yet. Starts loading `lang` the first time.
   */
  get(lang: Lang): Labels | undefined {
    if (!this.#asked.has(lang)) {
      this.#asked.add(lang);
      loadLabels(lang).then(
        (t) => {
          const first = this.#current === undefined;
          this.#done.set(lang, t);
          this.#current = t;
          this.#host.requestUpdate();
          if (first) this.#loaded();
        },
        () => {
          this.#failed = this.#current === undefined;
          this.#host.requestUpdate();
        },
      );
    }
    return this.#done.get(lang) ?? this.#current;
  }
}
