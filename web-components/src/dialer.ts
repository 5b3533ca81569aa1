/**
 * The dial pad of `<gag-phone>`: a number field and a Call button that start a click-to-call
 * through the gateway. Shown only when the gateway advertises `dial`.
 * @packageDocumentation
 */
import { html, type TemplateResult } from 'lit';
import { DialError, type GagClient } from '@gag/sdk';
import type { Labels } from './labels/en.js';

/** What the dialer reports back to the phone. */
export interface DialOutcome {
  /** A note for the user (in their language), or '' on success. */
  readonly error: string;
}

/** Ask the gateway to call `number` back through this extension; the human message on failure. */
export async function dial(client: GagClient, number: string, t: Labels): Promise<DialOutcome> {
  try {
    await client.dial(number);
    return { error: '' };
  } catch (e) {
    const reason = e instanceof DialError ? e.reason : 'originate_failed';
    return { error: t.dialErrors[reason] };
  }
}

/** The form; `onDial` gets the typed number. */
export function renderDialer(t: Labels, busy: boolean, onDial: (number: string) => void): TemplateResult {
  const submit = (e: SubmitEvent): void => {
    e.preventDefault();
    const input = (e.currentTarget as HTMLFormElement).elements.namedItem('number') as HTMLInputElement;
    const number = input.value.trim();
    if (number !== '') onDial(number);
  };
  return html`<form class="dialer" part="dialer" @submit=${submit}>
    <input name="number" type="tel" inputmode="tel" autocomplete="off" part="number" aria-label=${t.dialPlaceholder} placeholder=${t.dialPlaceholder} ?disabled=${busy} />
    <button class="call" part="call" type="submit" ?disabled=${busy}>${t.call}</button>
  </form>`;
}
