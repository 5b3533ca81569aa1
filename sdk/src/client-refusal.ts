/**
 * Why an attempt to connect closed before the gateway said `welcome`, as the error `connect()`
 * rejects with: a refused token names its reason; a close without a status is told apart by asking
 * the gateway over plain HTTP whether it answers at all.
 * @packageDocumentation
 * @internal
 */
import { GagError, TokenRefusedError } from './errors.js';
import { CLOSE, tokenRefusalOf } from './protocol.js';

/** A close without a status (RFC 6455 1006): no WebSocket, and no reason the page may read. */
const CLOSE_NO_STATUS = 1006;
/** How long the HTTP question waits: longer means the gateway is as good as unreachable. */
const PROBE_TIMEOUT_MS = 5_000;

/**
 * Whether anything answers HTTP at the gateway's address. `no-cors`: the answer stays opaque (the
 * gateway sends no CORS headers there), but that there is one is enough.
 */
async function answersHttp(wsUrl: string): Promise<boolean> {
  const url = new URL(wsUrl);
  url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
  return fetch(url, { mode: 'no-cors', cache: 'no-store', signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) }).then(() => true, () => false);
}

/**
 * The error for an attempt at `url` that closed with `code` and `reason` before `welcome`.
 * A 1006 close before the socket opened, from a gateway that answers HTTP, is `GAG_REFUSED`: it
 * refused the upgrade (HTTP 403: the page's origin or the browser's address is not allowed).
 * @example reject(await closeError(url, e.code, e.reason, opened));
 */
export async function closeError(url: string, code: number, reason: string, opened: boolean): Promise<GagError> {
  if (code === CLOSE.TOKEN_INVALID.code || code === CLOSE.TOKEN_EXPIRED.code) {
    return new TokenRefusedError(tokenRefusalOf(reason) ?? (code === CLOSE.TOKEN_EXPIRED.code ? 'expired' : undefined), reason || `token refused (${code})`);
  }
  if (reason !== '') return new GagError('GAG_NOT_CONNECTED', reason);
  if (code === CLOSE_NO_STATUS && !opened && (await answersHttp(url))) {
    return new GagError('GAG_REFUSED', `the gateway refused this page's origin (allowed_origins) or address (allowed_browser_ips)`);
  }
  return new GagError('GAG_NOT_CONNECTED', `gateway unreachable (${code})`);
}
