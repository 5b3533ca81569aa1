/**
 * The dial pad of `<gag-phone>`: a number field and a Call button that start a click-to-call
 * through the gateway. Shown only when the gateway advertises `dial`; `tel:` links can fill and
 * start it.
 * @packageDocumentation
 */
import { html, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { DialError } from '@gag/sdk';
import type { Labels } from './labels/en.js';

/** What starts a click-to-call: `GagClient`, or `PhoneTabs` through the leading tab. */
export type Dials = { dial(number: string): Promise<unknown> };

/** What the dialer needs from the phone. */
export interface DialerHooks {
  /**
   * What dials, when the phone can dial now (online, the gateway offers `dial`, no call): the
   * client, or in a tab that does not hold the phone the tabs (the leading tab dials).
   */
  readyClient(): Dials | undefined;
  labels(): Labels;
  /** A dial was refused: `message` says why, in the phone's language. */
  failed(message: string): void;
  /** A dial starts (the previous error is stale). */
  started(): void;
}

/** Ask the gateway to call `number` back through this extension; the human message on failure ('' on success). */
async function dial(client: Dials, number: string, t: Labels): Promise<string> {
  try {
    await client.dial(number);
    return '';
  } catch (e) {
    // A reason this version has no words for (a leading tab running a newer script): the generic one.
    return (e instanceof DialError && t.dialErrors[e.reason]) || t.dialErrors.originate_failed;
  }
}

/**
 * The form and its state: the number in the field, and whether a dial is under way.
 * @example
 * readonly #dialer = new Dialer(this, { readyClient, labels, failed, started });
 * html`${this.#dialer.render(t)}`
 */
export class Dialer {
  readonly #host: ReactiveControllerHost;
  readonly #hooks: DialerHooks;
  #number = '';
  #busy = false;

  constructor(host: ReactiveControllerHost, hooks: DialerHooks) {
    this.#host = host;
    this.#hooks = hooks;
  }

  /**
   * Dial `number` from a `tel:` link, shown in the field. Returns false (the link then opens the
   * system's phone app) when the phone cannot dial now; true while a dial is under way (a double
   * click is one call).
   */
  dialLink(number: string): boolean {
    if (this.#busy) return true;
    if (this.#hooks.readyClient() === undefined) return false;
    this.#set(number);
    void this.#dial(number);
    return true;
  }

  render(t: Labels): TemplateResult {
    const submit = (e: SubmitEvent): void => {
      e.preventDefault();
      const input = (e.currentTarget as HTMLFormElement).elements.namedItem('number') as HTMLInputElement;
      if (input.value.trim() !== '') void this.#dial(input.value.trim());
    };
    return html`<form class="dialer" part="dialer" @submit=${submit}>
      <input name="number" type="tel" inputmode="tel" autocomplete="off" part="number" aria-label=${t.dialPlaceholder} placeholder=${t.dialPlaceholder}
        .value=${this.#number} @input=${(e: InputEvent) => (this.#number = (e.target as HTMLInputElement).value)} ?disabled=${this.#busy} />
      <button class="call" part="button call" type="submit" ?disabled=${this.#busy}>${t.call}</button>
    </form>`;
  }

  async #dial(number: string): Promise<void> {
    const client = this.#hooks.readyClient();
    if (client === undefined) return;
    this.#busy = true;
    this.#hooks.started();
    this.#host.requestUpdate();
    const error = await dial(client, number, this.#hooks.labels());
    this.#busy = false;
    if (error === '') this.#set('');
    else this.#hooks.failed(error);
    this.#host.requestUpdate();
  }

  #set(number: string): void {
    this.#number = number;
    this.#host.requestUpdate();
  }
}
