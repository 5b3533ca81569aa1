/**
 * How a node proves it belongs to the cluster when it opens a media link to another (issue 17):
 * `Authorization: GAG-Node <from> <to> <unix seconds> <hex HMAC-SHA256 of "from to seconds" under
 * the cluster secret>`, checked before the upgrade. Bound to both nodes and to the minute: a
 * header overheard on one link cannot open another, nor the same one later.
 * @packageDocumentation
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** How far a link's timestamp may be from this node's clock, s. */
export const LINK_AUTH_SKEW_S = 60;
/** The subprotocol of node links. */
export const NODE_LINK_SUBPROTOCOL = 'gag.node.v1';
/** The path node links upgrade on. */
export const NODE_LINK_PATH = '/node-link';

/**
 * The header each end of a link sends with its upgrade (the dialer's request, the listener's
 * response): when that node's process started, ms since the epoch. A later one than a peer has
 * heard of is the same node id restarted (cluster-node.ts drops its former instance).
 */
export const NODE_STARTED_HEADER = 'gag-node-started';

/** The start time a {@link NODE_STARTED_HEADER} says, or undefined (absent or malformed: a node of an older version). */
export function startedAtOf(header: string | string[] | undefined): number | undefined {
  return typeof header === 'string' && /^\d{1,15}$/.test(header) ? Number(header) : undefined;
}

const SCHEME = 'GAG-Node';

const macOf = (secret: string, from: string, to: string, seconds: number): Buffer => createHmac('sha256', secret).update(`${from} ${to} ${seconds}`).digest();

/**
 * The header node `from` sends to open a link to node `to`.
 * @example new WebSocket(url, NODE_LINK_SUBPROTOCOL, { headers: { authorization: linkAuthorization(secret, 'gw-a', 'gw-b') } });
 */
export function linkAuthorization(secret: string, from: string, to: string, nowMs = Date.now()): string {
  const seconds = Math.floor(nowMs / 1000);
  return `${SCHEME} ${from} ${to} ${seconds} ${macOf(secret, from, to, seconds).toString('hex')}`;
}

/** Why a link was refused (logged and counted; never the header). */
export type LinkRefusal = 'missing' | 'malformed' | 'wrong_node' | 'stale' | 'bad_mac';

/**
 * Check the header of a link to node `self`: the peer's node id, or why it is refused.
 * @example const r = verifyLinkAuthorization(req.headers.authorization, secret, 'gw-b'); if (!r.ok) refuse(401);
 */
export function verifyLinkAuthorization(header: string | undefined, secret: string, self: string, nowMs = Date.now()): { ok: true; from: string } | { ok: false; why: LinkRefusal } {
  if (header === undefined) return { ok: false, why: 'missing' };
  const parts = header.split(' ');
  if (parts.length !== 5 || parts[0] !== SCHEME || !/^\d{1,12}$/.test(parts[3]!) || !/^[0-9a-f]{64}$/.test(parts[4]!)) return { ok: false, why: 'malformed' };
  const [, from, to, secondsText, macHex] = parts as [string, string, string, string, string];
  if (to !== self) return { ok: false, why: 'wrong_node' };
  const seconds = Number(secondsText);
  if (Math.abs(nowMs / 1000 - seconds) > LINK_AUTH_SKEW_S) return { ok: false, why: 'stale' };
  if (!timingSafeEqual(macOf(secret, from, to, seconds), Buffer.from(macHex, 'hex'))) return { ok: false, why: 'bad_mac' };
  return { ok: true, from };
}
