/**
 * The cluster on `/metrics` (issue 17): every series of the node gets a `node` label, and the
 * cluster's own figures are read from the node at scrape time (nothing on the audio path).
 * @packageDocumentation
 */
import { Counter, Gauge, type Registry as PromRegistry } from '../prom-classes.js';
import type { ClusterNode } from './cluster-node.js';

/**
 * Label the node's metrics with its id and add the cluster's.
 * @example registerClusterMetrics(metrics.prom, node);
 */
export function registerClusterMetrics(prom: PromRegistry, node: ClusterNode): void {
  prom.setDefaultLabels({ node: node.id });
  const registers = [prom];
  const gauge = (name: string, help: string, read: () => number): void =>
    void new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(read());
      },
    });
  gauge('gag_cluster_redis_up', 'Whether this node reaches Redis (1) or not (0).', () => (node.stats.redisUp ? 1 : 0));
  gauge('gag_cluster_nodes', 'Live nodes of the cluster, this one included.', () => node.stats.nodes);
  gauge('gag_cluster_remote_phones', "Other nodes' phones this node can ring.", () => node.stats.remotePhones);
  gauge('gag_cluster_remote_calls', "Other nodes' calls in this node's phones.", () => node.stats.remoteCalls);
  gauge('gag_cluster_links', 'Open media links to other nodes.', () => node.stats.links);
  new Counter({
    name: 'gag_cluster_link_frames_total',
    help: 'Audio messages over the links to other nodes, by direction (out, in).',
    labelNames: ['direction'] as const,
    registers,
    collect() {
      const { linkFrames } = node.stats;
      this.reset();
      this.inc({ direction: 'out' }, linkFrames.out);
      this.inc({ direction: 'in' }, linkFrames.in);
    },
  });
  const counter = (name: string, help: string, read: () => number): void =>
    void new Counter({
      name,
      help,
      registers,
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  counter('gag_cluster_link_dropped_frames_total', 'Audio messages not sent to another node: it did not keep up.', () => node.stats.linkFramesDropped);
  counter('gag_cluster_refused_links_total', 'Link upgrades from other nodes refused (bad header, wrong node, stale).', () => node.stats.refusedLinks);
  counter('gag_cluster_refused_messages_total', 'Messages from other nodes that did not parse.', () => node.stats.refusedMessages);
}
