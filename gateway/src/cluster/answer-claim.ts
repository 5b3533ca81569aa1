/**
 * Exactly one answer wins a call, across nodes (issue 17): the first `SET … NX` of the call's
 * answer key takes it, atomically in Redis; every later claim reads who won. The key lives an hour
 * past its call at most (a call's end deletes it).
 * @packageDocumentation
 */
import type { ClusterKeys } from './cluster-keys.js';
import type { RedisLink } from './redis-link.js';

/** How long an answer claim outlives a node that died before deleting it. */
export const ANSWER_CLAIM_TTL_MS = 3_600_000;

/** Who answered: the node and the session. */
export interface Answerer {
  readonly node: string;
  readonly sessionId: string;
}

/**
 * Claim the answer of `callId` for `who`: true when this claim won, false when another had.
 * @example if (await claimAnswer(redis, keys, callId, { node: 'gw-b', sessionId })) connect(); else tell('answered_elsewhere');
 */
export async function claimAnswer(redis: RedisLink, keys: ClusterKeys, callId: string, who: Answerer): Promise<boolean> {
  const reply = await redis.client.set(keys.answer(callId), `${who.node}/${who.sessionId}`, { NX: true, PX: ANSWER_CLAIM_TTL_MS });
  return reply === 'OK';
}

/**
 * Who answered `callId`, or undefined while nobody has.
 * @example const winner = await answererOf(redis, keys, callId);
 */
export async function answererOf(redis: RedisLink, keys: ClusterKeys, callId: string): Promise<Answerer | undefined> {
  const value = await redis.client.get(keys.answer(callId));
  if (value === null) return undefined;
  const slash = value.indexOf('/');
  return { node: value.slice(0, slash), sessionId: value.slice(slash + 1) };
}

/**
 * Forget the claim of an ended call.
 * @example await releaseAnswer(redis, keys, callId);
 */
export async function releaseAnswer(redis: RedisLink, keys: ClusterKeys, callId: string): Promise<void> {
  await redis.client.del(keys.answer(callId));
}
