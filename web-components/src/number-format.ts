/**
 * How `<gag-phone>` writes phone numbers (`format-number`): grouped as people write them, or as
 * the page's own function says, or as they arrive.
 * @packageDocumentation
 */

/**
 * `format-number`: `auto` (default) groups Japanese numbers (`0355550100` → `03-5555-0100`,
 * `09012345678` → `090-1234-5678`, `0120123456` → `0120-123-456`, `+81355550100` →
 * `+81 3-5555-0100`) and North American ones (`+14155550100` → `+1 415-555-0100`) and leaves the
 * rest (extensions, other countries) as they arrive; `none` leaves every number as it arrives; a
 * function (set as a property) writes each number the page's way.
 * @example phone.formatNumber = (n) => n.replace(/^0(\d{2})(\d{4})(\d{4})$/, '0$1 $2 $3');
 */
export type NumberFormat = 'auto' | 'none' | ((number: string) => string);

/**
 * National Japanese numbers and their groups, by the first digits: free and navi dial
 * (0120-123-456, 0800-123-4567), mobile and IP phones (090-1234-5678), Tokyo and Osaka
 * (03-5555-0100), other areas (most have a three-digit code: 045-123-4567).
 */
const JAPANESE: readonly RegExp[] = [/^(0120|0570)(\d{3})(\d{3})$/, /^(0800)(\d{3})(\d{4})$/, /^(0[5789]0)(\d{4})(\d{4})$/, /^(0[36])(\d{4})(\d{4})$/, /^(0[1-9]\d)(\d{3})(\d{4})$/];

/** A national Japanese number grouped with hyphens, or as it is if it is not one we know. */
const japanese = (national: string): string => {
  const groups = JAPANESE.map((rule) => rule.exec(national)).find(Boolean);
  return groups ? groups.slice(1).join('-') : national;
};

/** The `auto` format (see {@link NumberFormat}). */
export function autoFormat(number: string): string {
  if (/^\+81[1-9]\d{8,9}$/.test(number)) return `+81 ${japanese(`0${number.slice(3)}`).slice(1)}`;
  if (/^\+1\d{10}$/.test(number)) return `+1 ${number.slice(2, 5)}-${number.slice(5, 8)}-${number.slice(8)}`;
  return japanese(number);
}

/**
 * `number` written as `format` says; a page function that throws leaves it as it arrived.
 * @example formatNumber('0355550100', 'auto') // '03-5555-0100'
 */
export function formatNumber(number: string, format: NumberFormat | undefined): string {
  if (format === 'none') return number;
  if (typeof format !== 'function') return autoFormat(number);
  try {
    return String(format(number));
  } catch {
    return number;
  }
}
