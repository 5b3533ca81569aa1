/**
 * A page with `<gag-phone>` as a CRM would embed it: one script tag from the gateway and one
 * element. Used by the demo and by the browser tests.
 * @packageDocumentation
 */

/** What the page needs to know. */
export interface PhonePageOptions {
  /** The gateway's browser side, e.g. `ws://127.0.0.1:8766`. */
  readonly gatewayUrl: string;
  /** The token to log in with (only tests put one in a page), or… */
  readonly token?: string;
  /** …where the phone fetches one at each (re)connect (`token-url`), as a CRM page does. */
  readonly tokenUrl?: string;
  /** What shows inside `<gag-phone>` until it is ready, and stays if its script cannot load. */
  readonly fallback?: string;
  readonly lang?: 'ja' | 'en';
  readonly title?: string;
  /** Extra HTML before the phone. */
  readonly before?: string;
  /** Extra HTML after the phone. */
  readonly body?: string;
}

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** The script URL of the component bundle on the gateway (`ws://h:p` → `http://h:p/gag-phone.js`). */
export function componentScriptUrl(gatewayUrl: string): string {
  const u = new URL(gatewayUrl);
  u.protocol = u.protocol === 'wss:' ? 'https:' : 'http:';
  u.pathname = '/gag-phone.js';
  return u.toString();
}

/** The page's HTML. */
export function phonePageHtml(options: PhonePageOptions): string {
  const lang = options.lang ?? 'en';
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${escapeHtml(options.title ?? 'GAG phone')}</title>
<script src="${escapeHtml(componentScriptUrl(options.gatewayUrl))}"></script>
<style>body { font: 15px/1.5 system-ui, sans-serif; margin: 2rem; color: #1d2330; max-width: 44rem; }
gag-phone:not(:defined) { display: block; max-width: 20rem; padding: 0.75rem 1rem; border: 1px solid #d5d9e0; border-radius: 10px; color: #5b6475; }</style>
</head>
<body>
${options.before ?? ''}
<gag-phone server="${escapeHtml(options.gatewayUrl)}" lang="${lang}"${options.tokenUrl === undefined ? '' : ` token-url="${escapeHtml(options.tokenUrl)}"`}>${options.fallback ?? ''}</gag-phone>
${options.token === undefined ? '' : `<script>document.querySelector('gag-phone').token = ${JSON.stringify(options.token).replace(/</g, '\\u003c')};</script>`}
${options.body ?? ''}
</body>
</html>
`;
}
