/**
 * HTTP Basic credentials Asterisk sends on the Asterisk port (`username`/`password` in
 * websocket_client.conf, docs/chan-websocket.md#handshake). Compared in
 * constant time: both sides are hashed to equal-length digests first, so neither the length nor
 * the first differing byte of the password leaks through timing.
 * @packageDocumentation
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** The outcome of a check; `missing` and `wrong` are refusals (401). */
export type BasicAuthResult = 'ok' | 'missing' | 'wrong';

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** Expected credentials, kept only as a digest. */
export class BasicAuth {
  readonly #expected: Buffer;

  /** `username` must not contain `:` (the config schema checks it). */
  constructor(username: string, password: string) {
    this.#expected = digest(`${username}:${password}`);
  }

  /**
   * Check an `Authorization` header value.
   * @example
   * new BasicAuth('asterisk', 's3cret').check(req.headers.authorization); // 'ok' | 'missing' | 'wrong'
   */
  check(header: string | undefined): BasicAuthResult {
    const m = header === undefined ? null : /^Basic[ \t]+([A-Za-z0-9+/=_-]*)[ \t]*$/i.exec(header);
    if (m === null) return 'missing';
    const given = digest(Buffer.from(m[1] ?? '', 'base64').toString('utf8'));
    return timingSafeEqual(given, this.#expected) ? 'ok' : 'wrong';
  }
}
