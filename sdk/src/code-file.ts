/**
 * Files of GAG's code loaded when needed, next to the drop-in `gag-phone.js` (the call media and
 * the audio worklet): why one did not load. A page open since before a gateway upgrade asks for
 * files of the older build, which the gateway no longer has; only a reload helps then. Anything
 * else (the network) may pass, and trying again helps.
 * @packageDocumentation
 * @internal
 */
import { GagError } from './errors.js';

/**
 * The error for the code file at `url`, which failed to load with `error`. Asks the server (HEAD):
 * 404 or 410 is `GAG_OUTDATED`; anything else is `GAG_MEDIA` with a `TypeError` cause (what
 * `fetch()` reports for a network failure).
 * @example const media = await import(url).catch(async (e: unknown) => { throw await codeFileError(url, e); });
 */
export async function codeFileError(url: string, error: unknown): Promise<GagError> {
  const status = await fetch(url, { method: 'HEAD', cache: 'no-store' }).then((r) => r.status, () => 0);
  if (status === 404 || status === 410) {
    return new GagError('GAG_OUTDATED', `${url} is gone: the gateway was updated — reload the page`, { cause: error });
  }
  return new GagError('GAG_MEDIA', `${url} did not load — check the network, then try again`, { cause: new TypeError(url, { cause: error }) });
}
