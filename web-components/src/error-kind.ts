/**
 * Which human message an error gets: the SDK's `GagError` codes (and, for the microphone, the
 * browser's reason) mapped to the keys of `labels.errors`, each of which says what to do.
 * @packageDocumentation
 */
import { GagError, TokenRefusedError, type TokenRefusal } from '@gag/sdk';
import type { Labels } from './labels/en.js';

/** A key of `labels.errors`. */
export type ErrorKind = keyof Labels['errors'];

/**
 * The message for `e`:
 * - `GAG_TOKEN_INVALID` refused by the gateway (`TokenRefusedError`) → by its reason: `tokenKey`
 *   (signature, algorithm, malformed, missing: the administrator's key), `tokenExpired`,
 *   `tokenEarly` (not yet valid: the clocks), `tokenClaims`; fetching one failed → `token`: sign in
 *   again; but a fetch that failed for a moment (its cause a network `TypeError`, or
 *   `GAG_NOT_CONNECTED` from a token server answering 5xx) → `unreachable`: retrying;
 * - `GAG_REFUSED` (the gateway answers but refused the page) → `refused`: the administrator adds the
 *   origin to `allowed_origins`;
 * - `GAG_NOT_CONNECTED` (unreachable) → `unreachable`: retrying;
 * - `GAG_OUTDATED` (the call code next to gag-phone.js is gone: the gateway was upgraded) → `outdated`: reload the page;
 * - `GAG_MEDIA` with a `TypeError` cause (the call code could not be downloaded) → `download`: check
 *   the network; else by the getUserMedia failure in `cause`: `micBlocked` (permission), `micMissing`,
 *   `micBusy` (another application holds it), else `audio` (the output could not start);
 * - `GAG_OPTIONS_INVALID` (a bad `server`) → `config`; anything else → `other`.
 * @example labels.errors[errorKind(e)]
 */
export function errorKind(e: unknown): ErrorKind {
  if (!(e instanceof GagError)) return 'other';
  switch (e.code) {
    case 'GAG_TOKEN_INVALID':
      if (e instanceof TokenRefusedError) return tokenKind(e.reason);
      return e.cause instanceof TypeError || (e.cause instanceof GagError && e.cause.code === 'GAG_NOT_CONNECTED') ? 'unreachable' : 'token';
    case 'GAG_NOT_CONNECTED':
      return 'unreachable';
    case 'GAG_REFUSED':
      return 'refused';
    case 'GAG_OPTIONS_INVALID':
      return 'config';
    case 'GAG_OUTDATED':
      return 'outdated';
    case 'GAG_MEDIA':
      if (e.cause instanceof TypeError) return 'download';
      return MEDIA_KINDS[e.cause instanceof Error ? e.cause.name : ''] ?? 'audio';
    default:
      return 'other';
  }
}

/** getUserMedia's DOMException names (Media Capture and Streams) → what the user can do. */
const MEDIA_KINDS: Readonly<Record<string, ErrorKind>> = {
  NotAllowedError: 'micBlocked',
  SecurityError: 'micBlocked',
  NotFoundError: 'micMissing',
  OverconstrainedError: 'micMissing',
  NotReadableError: 'micBusy',
  AbortError: 'micBusy',
};


/** Why the gateway refused a token → what to tell the user (the key, the clocks, or the claims). */
const tokenKind = (reason: TokenRefusal | undefined): ErrorKind =>
  reason === 'expired' ? 'tokenExpired' : reason === 'not_yet_valid' ? 'tokenEarly' : reason === 'claims' ? 'tokenClaims' : 'tokenKey';
