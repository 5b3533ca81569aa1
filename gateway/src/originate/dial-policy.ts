/**
 * What a user may dial, decided by the gateway alone: the number is normalised to digits, checked
 * against `dial_number_pattern` (a full match), and the config's templates are filled with the
 * token's extension and that number. The browser never names a channel, a context or another
 * extension.
 * @packageDocumentation
 */
import type { GatewayConfig } from '../config/schema.js';

/** Longest number Asterisk is asked to dial (E.164 allows 15 digits; room for prefixes and `*`/`#` codes). */
export const MAX_DIAL_DIGITS = 32;
/** Characters people write in numbers and we drop: spaces, hyphens, dots, brackets. */
const FORMATTING = /[\s\-.()]/g;
/** What is left must be this: digits, `*`, `#`, and one leading `+`. */
const DIALABLE = new RegExp(`^\\+?[0-9*#]{1,${MAX_DIAL_DIGITS}}$`);

/**
 * `raw` as Asterisk should dial it (`03-1234-5678` → `0312345678`), or undefined when it holds
 * anything but digits, `*`, `#`, a leading `+` and formatting.
 * @example normaliseNumber(' (03) 1234-5678 '); // '0312345678'
 */
export function normaliseNumber(raw: string): string | undefined {
  const number = raw.replace(FORMATTING, '');
  return DIALABLE.test(number) ? number : undefined;
}

/** Compiled `dial_number_pattern`s, so a reload with a new pattern compiles it once. */
const patterns = new Map<string, RegExp>();

/**
 * Whether the normalised `number` matches `dial_number_pattern` as a whole.
 * @example numberAllowed('0312345678', config); // true with the default (national numbers only)
 */
export function numberAllowed(number: string, config: Pick<GatewayConfig, 'dial_number_pattern'>): boolean {
  let re = patterns.get(config.dial_number_pattern);
  if (re === undefined) {
    re = new RegExp(`^(?:${config.dial_number_pattern})$`, 'u'); // the schema checked it compiles
    if (patterns.size > 16) patterns.clear();
    patterns.set(config.dial_number_pattern, re);
  }
  return re.test(number);
}

/**
 * Fill `{ext}` and `{number}` (the only placeholders the schema lets a template have).
 * @example fillTemplate('Local/{ext}@inhouse', { ext: '2001', number: '0312345678' }); // 'Local/2001@inhouse'
 */
export function fillTemplate(template: string, values: { readonly ext: string; readonly number: string }): string {
  return template.replaceAll('{ext}', values.ext).replaceAll('{number}', values.number);
}
