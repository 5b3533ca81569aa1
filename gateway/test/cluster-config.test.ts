/**
 * The `cluster` key (issue 17): absent, the gateway is the single process it was; present, each
 * mistake stops start-up with the key and the fix, and a link port that is taken names
 * `cluster.link_listen`.
 */
import { createServer } from 'node:net';
import { expect, test } from 'vitest';
import { parseGatewayConfig } from '../src/config/load.js';
import { ConfigError } from '../src/errors.js';
import { startGateway } from '../src/server.js';
import { createLogger } from '../src/log.js';
import { SECRET, configError } from './config-error.js';

const CLUSTER = { redis_url: 'redis://127.0.0.1:6379', node_id: 'gw-a', secret: 's'.repeat(32), link_listen: '127.0.0.1:9100' };

test('without cluster the config has none; with it, the defaults fill in', () => {
  expect(parseGatewayConfig('goastgateway.json', SECRET).cluster).toBeUndefined();
  expect(parseGatewayConfig('goastgateway.json', { ...SECRET, cluster: CLUSTER }).cluster).toEqual({ ...CLUSTER, name: 'gag', node_ttl_ms: 4000 });
});

test.each([
  [{ ...CLUSTER, redis_url: 'http://redis:6379' }, 'cluster.redis_url', 'must be a Redis URL, e.g. "redis://10.0.0.9:6379"'],
  [{ ...CLUSTER, secret: 'short' }, 'cluster.secret', 'must be at least 32 characters, e.g. the output of "openssl rand -hex 32"'],
  [{ ...CLUSTER, node_id: 'gw a' }, 'cluster.node_id', 'letters, digits, ".", "_" or "-", unique per node, e.g. "gw-a"'],
  [{ ...CLUSTER, link_listen: '0.0.0.0:9100' }, 'cluster.link_advertise', 'link_listen listens on every address: say in link_advertise where other nodes reach it, e.g. "10.0.0.5:9100"'],
  [{ ...CLUSTER, node_ttl_ms: 100 }, 'cluster.node_ttl_ms', 'must be at least 1000'],
  [{ ...CLUSTER, redis: 'x' }, 'cluster.redis', undefined],
])('%o is refused naming %s', (cluster, key, fix) => {
  const e = configError({ ...SECRET, cluster });
  expect(e.key).toBe(key);
  if (fix !== undefined) expect(e.fix).toBe(fix);
});

test('a link port already in use stops start-up with a ConfigError naming cluster.link_listen', async () => {
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  const { port } = taken.address() as { port: number };
  try {
    const config = parseGatewayConfig('goastgateway.json', {
      ...SECRET,
      asterisk_addr: '127.0.0.1:0',
      browser_addr: '127.0.0.1:0',
      cluster: { ...CLUSTER, link_listen: `127.0.0.1:${port}` },
    });
    const started = startGateway(config, { configFile: 'goastgateway.json', log: createLogger('silent') });
    await expect(started).rejects.toBeInstanceOf(ConfigError);
    await expect(started).rejects.toMatchObject({ key: 'cluster.link_listen', fix: expect.stringContaining(`127.0.0.1:${port} is already in use`) });
  } finally {
    taken.close();
  }
});
