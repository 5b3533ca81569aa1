/**
 * Who is online: the ready browser sessions of each extension. Several sessions per extension
 * (desk, laptop, tabs) are normal; all of them ring.
 * @packageDocumentation
 */
import type { Phone } from './phone.js';

/**
 * The online phones by extension.
 * @example
 * registry.add(phone); registry.sessionsFor('2001'); // [phone]
 */
export class Registry {
  readonly #byExtension = new Map<string, Set<Phone>>();

  /** Add a ready session; it leaves by itself when it closes. */
  add(session: Phone): void {
    const extension = session.extension;
    if (extension === undefined) return;
    let set = this.#byExtension.get(extension);
    if (set === undefined) this.#byExtension.set(extension, (set = new Set()));
    set.add(session);
    session.once('closed', () => {
      set.delete(session);
      if (set.size === 0 && this.#byExtension.get(extension) === set) this.#byExtension.delete(extension);
    });
  }

  /** The sessions of `extension`, oldest first. */
  sessionsFor(extension: string): Phone[] {
    return [...(this.#byExtension.get(extension) ?? [])];
  }

  /**
   * Whether `extension` has a legacy (GoAstGateway webphone) phone online. The legacy protocol
   * allows one connection per extension (docs/legacy-protocol.md#one-phone-per-extension); gag.v1 sessions do not count.
   */
  legacyOnline(extension: string): boolean {
    for (const phone of this.#byExtension.get(extension) ?? []) if (phone.protocol === 'legacy') return true;
    return false;
  }

  /** Every online session. */
  all(): Phone[] {
    return [...this.#byExtension.values()].flatMap((set) => [...set]);
  }
}
