/**
 * Who is online: the ready phones (logged-in browsers) of each extension. Several phones per
 * extension (desk, laptop, tabs) are normal; all of them ring.
 * @packageDocumentation
 */
import type { Phone } from './phone.js';

/**
 * The online phones by extension.
 * @example
 * registry.add(phone); registry.phonesFor('2001'); // [phone]
 */
export class Registry {
  readonly #byExtension = new Map<string, Set<Phone>>();
  readonly #byId = new Map<string, Phone>();

  /** Add a ready phone; it leaves by itself when it closes. */
  add(phone: Phone): void {
    const extension = phone.extension;
    if (extension === undefined) return;
    let set = this.#byExtension.get(extension);
    if (set === undefined) this.#byExtension.set(extension, (set = new Set()));
    set.add(phone);
    this.#byId.set(phone.id, phone);
    phone.once('closed', () => {
      set.delete(phone);
      if (this.#byId.get(phone.id) === phone) this.#byId.delete(phone.id);
      if (set.size === 0 && this.#byExtension.get(extension) === set) this.#byExtension.delete(extension);
    });
  }

  /** The online phone with session id `id`, if any. */
  phone(id: string): Phone | undefined {
    return this.#byId.get(id);
  }

  /** The phones of `extension`, oldest first. */
  phonesFor(extension: string): Phone[] {
    return [...(this.#byExtension.get(extension) ?? [])];
  }

  /**
   * The phones of `extension`, oldest first.
   * @deprecated Use {@link Registry.phonesFor}: the gateway calls a logged-in browser a phone (the API's `sessions` are their views).
   */
  sessionsFor(extension: string): Phone[] {
    return this.phonesFor(extension);
  }

  /**
   * Whether `extension` has a legacy (GoAstGateway webphone) phone online. The legacy protocol
   * allows one connection per extension (docs/legacy-protocol.md#one-phone-per-extension); gag.v1 phones do not count.
   */
  legacyOnline(extension: string): boolean {
    for (const phone of this.#byExtension.get(extension) ?? []) if (phone.protocol === 'legacy') return true;
    return false;
  }

  /** Every online phone. */
  all(): Phone[] {
    return [...this.#byExtension.values()].flatMap((set) => [...set]);
  }
}
