/**
 * Where `<gag-phone>` gets its token for each (re)connection: a `tokenProvider` callback, a
 * `token-url` fetched with the page's cookies, or the `token` set on it.
 * @packageDocumentation
 */
import { GagError } from '@gag/sdk';

/**
 * A callback that returns a fresh token: called before every connection attempt.
 * @example phone.tokenProvider = () => fetch('/gag-token').then((r) => r.text());
 */
export type TokenProvider = () => string | Promise<string>;

/** What the element offers as token sources, read at each attempt. */
export interface TokenSources {
  readonly tokenProvider: TokenProvider | undefined;
  readonly tokenUrl: string;
  readonly token: string;
}

/**
 * GET `url` with the page's cookies (`credentials: 'include'`, never cached) and read the token:
 * JSON `{ "token": "…" }`, or the body as text.
 * @throws GagError `GAG_NOT_CONNECTED` when the server answers 5xx, 408 or 429 (restarting or
 * busy: the phone tries again), `GAG_TOKEN_INVALID` for any other answer that is not 2xx or holds
 * no token. A network failure rejects with fetch's `TypeError` (also tried again).
 * @example const token = await fetchToken('/gag-token');
 */
export async function fetchToken(url: string): Promise<string> {
  const res = await fetch(url, { credentials: 'include', cache: 'no-store', headers: { Accept: 'application/json, text/plain' } });
  if (!res.ok) {
    const busy = res.status >= 500 || res.status === 408 || res.status === 429;
    throw new GagError(busy ? 'GAG_NOT_CONNECTED' : 'GAG_TOKEN_INVALID', `token-url: the server answered ${res.status} — ${busy ? 'trying again' : 'is the user signed in?'}`);
  }
  const text = (await res.text()).trim();
  const token: unknown = text.startsWith('{') ? (JSON.parse(text) as { token?: unknown }).token : text;
  if (typeof token !== 'string' || token === '') {
    throw new GagError('GAG_TOKEN_INVALID', 'token-url: no token in the answer — send JSON {"token":"…"} or the token as text');
  }
  return token;
}

/**
 * The `getToken` of the element's client: the first source set, in the order
 * `tokenProvider`, `token-url`, `token`.
 * @example new GagClient({ url, getToken: tokenGetter(element) })
 */
export function tokenGetter(sources: TokenSources): () => Promise<string> {
  return async () => {
    if (sources.tokenProvider !== undefined) return await sources.tokenProvider();
    if (sources.tokenUrl) return fetchToken(sources.tokenUrl);
    return sources.token;
  };
}

/** Whether any source is set: the element connects only then. */
export const hasTokenSource = (sources: TokenSources): boolean => sources.tokenProvider !== undefined || !!sources.tokenUrl || !!sources.token;
