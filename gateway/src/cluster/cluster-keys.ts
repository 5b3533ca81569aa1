/**
 * Every Redis key a cluster uses, in one place (docs/cluster.md#what-redis-holds). All start with
 * the cluster's prefix (`gag:<cluster name>:`), so several clusters, or other programs, can share
 * one Redis.
 * @packageDocumentation
 */

/** The keys of one cluster. */
export interface ClusterKeys {
  /** SET of node ids that have joined (a member whose {@link ClusterKeys.alive} key expired is dead). */
  readonly nodes: string;
  /** STRING, the node's address and start time, with a TTL the node refreshes: its liveness. */
  alive(node: string): string;
  /** HASH session id → phone, one per node and extension, with the node's TTL: who can ring there. */
  phones(node: string, extension: string): string;
  /** SET of the extensions with phones on a node, with the node's TTL: a node's whole list, for a resync. */
  extensions(node: string): string;
  /** HASH call id → view of the node's live calls, with the node's TTL (call-directory.ts). */
  calls(node: string): string;
  /** ZSET of an extension's click-to-call times in the last minute (shared-rate-limit.ts). */
  dialRate(extension: string): string;
  /** Pub/sub channel of one node's messages (node-bus.ts). */
  inbox(node: string): string;
  /** Pub/sub channel every node hears. */
  readonly broadcast: string;
}

/**
 * The keys of cluster `name`.
 * @example const keys = clusterKeys('prod'); keys.alive('gw-a'); // 'gag:prod:alive:gw-a'
 */
export function clusterKeys(name: string): ClusterKeys {
  const p = `gag:${name}:`;
  return {
    nodes: `${p}nodes`,
    alive: (node) => `${p}alive:${node}`,
    phones: (node, extension) => `${p}phones:${node}:${extension}`,
    extensions: (node) => `${p}extensions:${node}`,
    calls: (node) => `${p}calls:${node}`,
    dialRate: (extension) => `${p}dial-rate:${extension}`,
    inbox: (node) => `${p}inbox:${node}`,
    broadcast: `${p}broadcast`,
  };
}
