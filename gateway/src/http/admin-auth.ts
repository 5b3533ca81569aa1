/**
 * Who may use the operations API (`/api/calls`, `/api/sessions`, `/metrics`, `/monitor`): a
 * caller with `Authorization: Bearer <admin_token>`, or, while `admin_token` is unset, a direct
 * loopback caller. "Direct" excludes what a local proxy or browser could relay: a request with
 * `X-Forwarded-For`, `Forwarded` or `X-Real-IP` (a TLS proxy on the same host would otherwise
 * make every Internet client look local), with an `Origin` (a web page, even one on this host),
 * or with a `Host` that is not a loopback name (DNS rebinding).
 * @packageDocumentation
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { normalizeAddress } from '../access/ip-acl.js';

/** Why an operations request was refused (counted as `gag_auth_failures_total{side="api"}`). */
export type AdminRefusal = 'admin_token_missing' | 'admin_token_wrong' | 'not_loopback';

const PROXY_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip'] as const;
const LOOPBACK_HOST = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::\d{1,5})?$/i;
const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** Whether `req` comes straight from this host, not relayed by a proxy or a web page. */
export function isDirectLoopback(req: IncomingMessage): boolean {
  const address = normalizeAddress(req.socket.remoteAddress ?? '');
  if (!(address === '::1' || /^127\.\d+\.\d+\.\d+$/.test(address))) return false;
  if (PROXY_HEADERS.some((h) => req.headers[h] !== undefined)) return false;
  if (req.headers.origin !== undefined) return false;
  return LOOPBACK_HOST.test(req.headers.host ?? '');
}

/**
 * The admin check of one config.
 * @example
 * const auth = new AdminAuth(config.admin_token);
 * if (auth.check(req) !== 'ok') return refuse(res);
 */
export class AdminAuth {
  /** Kept as a digest: compared in constant time whatever the lengths. */
  readonly #expected: Buffer | undefined;

  constructor(adminToken: string | undefined) {
    this.#expected = adminToken === undefined ? undefined : digest(adminToken);
  }

  /** Whether an admin token is configured (else loopback-only). */
  get tokenRequired(): boolean {
    return this.#expected !== undefined;
  }

  check(req: IncomingMessage): 'ok' | AdminRefusal {
    if (this.#expected === undefined) return isDirectLoopback(req) ? 'ok' : 'not_loopback';
    const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(req.headers.authorization ?? '');
    if (m === null) return 'admin_token_missing';
    return timingSafeEqual(digest(m[1] ?? ''), this.#expected) ? 'ok' : 'admin_token_wrong';
  }
}
