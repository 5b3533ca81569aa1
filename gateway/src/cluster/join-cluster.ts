/**
 * How the gateway joins its cluster when `goastgateway.json` has a `cluster` key (issue 17): a
 * {@link ClusterNode} wired to this gateway's registry and router, so a phone of another node
 * rings here like one of this node's, and this node's phones take the calls others hold.
 * @packageDocumentation
 */
import type { Registry } from '../browser/registration.js';
import type { Phone } from '../browser/phone.js';
import type { Router } from '../calls/router.js';
import { parseListenAddress } from '../config/address.js';
import type { ClusterConfig } from '../config/cluster-schema.js';
import type { MonitorCluster } from '../http/monitor.js';
import type { Logger } from '../log.js';
import type { Dialer } from '../originate/dialer.js';
import { ClusterNode } from './cluster-node.js';

/** What joining needs of the gateway. */
export interface JoinOptions {
  readonly registry: Registry;
  /** The router, once made (it is made after the node, which it asks whether a phone is busy elsewhere). */
  readonly router: () => Router;
  readonly log: Logger;
  /** A phone of another node is mirrored here: register it and offer it the ringing calls. */
  readonly onRemotePhone: (phone: Phone) => void;
  /** The dialer: other nodes' click-to-calls are adopted and settled in it. */
  readonly dialer: Dialer;
}

/**
 * This gateway's node of the cluster `config` describes (not started).
 * @example
 * const node = config.cluster === undefined ? undefined : joinCluster(config.cluster, { registry, router: () => router, log, onRemotePhone });
 * await node?.start();
 */
export function joinCluster(config: ClusterConfig, options: JoinOptions): ClusterNode {
  const listen = parseListenAddress(config.link_listen)!; // checked by the schema
  const node = new ClusterNode({
    redisUrl: config.redis_url,
    name: config.name,
    nodeId: config.node_id,
    secret: config.secret,
    linkHost: listen.host ?? '0.0.0.0',
    linkPort: listen.port,
    ...(config.link_advertise === undefined ? {} : { advertise: config.link_advertise }),
    timing: { ttlMs: config.node_ttl_ms, refreshMs: Math.max(250, Math.floor(config.node_ttl_ms / 4)) },
    log: options.log.child({ side: 'cluster' }),
    phoneOf: (sessionId) => options.registry.phone(sessionId),
    busyHere: (phone) => options.router().callOf(phone) !== undefined,
    nowBusy: (phone) => options.router().stopRinging(phone),
  });
  node.on('remotePhone', (phone) => options.onRemotePhone(phone));
  node.on('remoteDial', (dial, ttlMs) => options.dialer.adoptRemote(dial, ttlMs));
  node.on('dialSettled', (dialId) => options.dialer.settledElsewhere(dialId));
  node.on('hangupCall', (callId) => options.router().hangup(callId));
  return node;
}

/**
 * The other nodes' calls for `/monitor`, as the monitor reads them.
 * @example new Monitor({ …, cluster: monitorCluster(node) });
 */
export function monitorCluster(node: ClusterNode): MonitorCluster {
  return {
    node: node.id,
    otherCalls: () => node.otherCallsNow.all,
    onOtherCall: (listener) => {
      node.otherCallsNow.on('call', listener);
      return () => void node.otherCallsNow.off('call', listener);
    },
    onOtherActivity: (listener) => {
      node.otherCallsNow.on('activity', listener);
      return () => void node.otherCallsNow.off('activity', listener);
    },
  };
}
