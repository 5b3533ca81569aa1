/**
 * `<gag-phone tel-links>`: clicks on `tel:` links anywhere on the page (also inside other
 * components' shadow roots) go to the phone's dialer instead of the system's phone app.
 * @packageDocumentation
 */

/**
 * The number of a `tel:` URI (RFC 3966), without its parameters: `tel:+81-3-1234-5678;ext=12`
 * → `+81-3-1234-5678`; undefined for anything else or an empty number.
 * @example telNumber('tel:03%201234%205678') // '03 1234 5678'
 */
export function telNumber(href: string): string | undefined {
  if (!/^tel:/i.test(href)) return undefined;
  let number: string;
  try {
    number = decodeURIComponent(href.slice(4).split(';')[0] ?? '').trim();
  } catch {
    return undefined; // a malformed %-escape: not a number we can dial
  }
  return number === '' ? undefined : number;
}

/**
 * Call `onNumber` for each plain left click on a `tel:` link. When it returns true the click's
 * default (opening the system's phone app) is prevented; when false the link works as before.
 * Clicks with a modifier key, already handled by the page (`defaultPrevented`), or on a link being
 * edited (`contenteditable`: the click places the caret, e.g. in a CRM's notes) are left alone.
 * Returns the function that stops listening.
 * @example const stop = watchTelLinks((number) => phone.dialNumber(number));
 */
export function watchTelLinks(onNumber: (number: string) => boolean): () => void {
  const listener = (e: MouseEvent): void => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const link = e.composedPath().find((node): node is HTMLAnchorElement => node instanceof HTMLAnchorElement && node.protocol === 'tel:');
    const number = link === undefined || link.isContentEditable ? undefined : telNumber(link.href);
    if (number !== undefined && onNumber(number)) e.preventDefault();
  };
  document.addEventListener('click', listener);
  return () => document.removeEventListener('click', listener);
}
