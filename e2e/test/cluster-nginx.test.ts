/**
 * docs/cluster.md's nginx load balancer, as printed (only the addresses, ports and certificate
 * paths changed), in front of two gateway nodes on a real redis-server (issue 17): a browser logs
 * in over wss:// through it, a fake Asterisk call through it rings that browser whichever node
 * each landed on and carries a tone each way; when the browser's node stops, the browser logs in
 * again through nginx, on the other node, and is rung there. Real nginx, real TLS, loopback only.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import { devConfig, mintToken, startGateway, type Gateway } from '@gag/gateway';
import { FRAME_BYTES, PHONE_PATH, SUBPROTOCOL, encodeClientMessage, parseServerMessage, type ServerMessage } from '@gag/sdk/protocol';
import { REDIS_SERVER, startRedisServer, type RedisServer } from '@gag/testkit/redis-server';
import { findNginx } from '../scripts/nginx.mjs';
import { FakeAsterisk, analyseTone, floatToS16le, s16leToFloat, sineFloat, tone } from '../src/index.js';
import { freePort, untilAccepting } from '../src/loopback.js';
import { readCookbook, substituteOnce } from '../src/real-asterisk/cookbook.js';

const CLUSTER_DOC = fileURLToPath(new URL('../../docs/cluster.md', import.meta.url));
const NGINX = findNginx();
const ORIGIN = 'https://crm.example.test';
const SECRET = 'jwt-secret-for-the-cluster-test-0123456789';
const START_TIMEOUT_MS = 10_000;

const replaceOnce = (text: string, from: string, to: string): string => substituteOnce(text, from, to, "docs/cluster.md's nginx load balancer", 'e2e/test/cluster-nginx.test.ts');

/** A browser through nginx: logged in, answering every call, its microphone a 1 kHz tone (one frame per frame heard). */
class Browser {
  readonly heard: Buffer[] = [];
  readonly messages: ServerMessage[] = [];
  readonly ws: WebSocket;
  #n = 0;
  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data: Buffer, isBinary) => {
      if (isBinary) {
        this.heard.push(data);
        const samples = sineFloat(1_000, 16_000, FRAME_BYTES / 2, 0.5, this.#n++ * (FRAME_BYTES / 2));
        ws.send(floatToS16le(samples));
        return;
      }
      const message = parseServerMessage(data.toString('utf8'));
      this.messages.push(message);
      if (message.type === 'incoming') ws.send(encodeClientMessage({ type: 'answer', callId: message.callId }));
    });
  }
  static async login(url: string, ca: Buffer): Promise<Browser> {
    const ws = new WebSocket(`${url}${PHONE_PATH}`, SUBPROTOCOL, { ca, headers: { Origin: ORIGIN } });
    const browser = new Browser(ws);
    await once(ws, 'open');
    ws.send(encodeClientMessage({ type: 'hello', token: await mintToken({ secret: SECRET, extension: '2001', ttlSeconds: 60 }) }));
    await expect.poll(() => browser.messages[0]?.type).toBe('welcome');
    return browser;
  }
  get sessionId(): string {
    const welcome = this.messages[0];
    return welcome?.type === 'welcome' ? welcome.sessionId : '';
  }
}

// CI has nginx and redis-server (.ci/run installs them); elsewhere the test says it was skipped for want of one.
describe.skipIf((NGINX === undefined || REDIS_SERVER === undefined) && process.env['CI'] !== 'true')("docs/cluster.md's nginx load balancer over two nodes", () => {
  const nodes: Gateway[] = [];
  const processes: ChildProcess[] = [];
  let redis: RedisServer | undefined;
  let dir: string;
  let ca: Buffer;
  let browserPort: number;
  let asteriskPort: number;

  beforeAll(async () => {
    if (NGINX === undefined || REDIS_SERVER === undefined) throw new Error('no nginx or redis-server: run node e2e/scripts/nginx.mjs and redis.mjs');
    dir = mkdtempSync(join(tmpdir(), 'gag-cluster-nginx-'));
    mkdirSync(join(dir, 'tmp'));
    redis = await startRedisServer();
    for (const id of ['gw-a', 'gw-b']) {
      const cluster = { redis_url: redis.url, node_id: id, secret: 'cluster-secret-for-the-test-0123456789', link_listen: '127.0.0.1:0', node_ttl_ms: 1_000 };
      nodes.push(await startGateway(devConfig({ browser_addr: '127.0.0.1:0', asterisk_addr: '127.0.0.1:0', allowed_origins: [ORIGIN], jwt_secret: SECRET, log_level: 'silent', cluster })));
    }
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    ca = readFileSync(join(dir, 'cert.pem'));
    [browserPort, asteriskPort] = [await freePort(), await freePort()];
    const [a, b] = nodes.map((gw) => ({ browser: new URL(gw.browserUrl).port, asterisk: new URL(gw.asteriskUrl).port }));
    let site = readCookbook(CLUSTER_DOC, 'nginx')['gag-cluster.conf'] ?? '';
    site = replaceOnce(site, 'server 10.0.0.5:8766', `server 127.0.0.1:${a!.browser}`);
    site = replaceOnce(site, 'server 10.0.0.6:8766', `server 127.0.0.1:${b!.browser}`);
    site = replaceOnce(site, 'server 10.0.0.5:8765', `server 127.0.0.1:${a!.asterisk}`);
    site = replaceOnce(site, 'server 10.0.0.6:8765', `server 127.0.0.1:${b!.asterisk}`);
    site = replaceOnce(site, 'listen 443 ssl;', `listen 127.0.0.1:${browserPort} ssl;`);
    site = replaceOnce(site, 'server_name gw.example.com;', 'server_name localhost;');
    site = replaceOnce(site, '/etc/ssl/gw.example.com.pem', join(dir, 'cert.pem'));
    site = replaceOnce(site, '/etc/ssl/private/gw.example.com.key', join(dir, 'key.pem'));
    site = replaceOnce(site, 'listen 10.0.0.4:8765;', `listen 127.0.0.1:${asteriskPort};`);
    writeFileSync(join(dir, 'gag-cluster.conf'), site);
    const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `${t}_temp_path ${join(dir, 'tmp', t)};`).join(' ');
    writeFileSync(join(dir, 'nginx.conf'), `daemon off; master_process off; pid ${join(dir, 'nginx.pid')}; error_log ${join(dir, 'error.log')} warn;
events {}
http { access_log off; ${temp} include ${join(dir, 'gag-cluster.conf')}; }
`);
    const nginx = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: 'ignore' });
    processes.push(nginx);
    await untilAccepting(browserPort, START_TIMEOUT_MS);
    await untilAccepting(asteriskPort, START_TIMEOUT_MS);
  }, 30_000);

  afterAll(async () => {
    for (const gw of nodes) await gw.close();
    for (const child of processes.reverse()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
    await redis?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Until every node can ring `browser` (its own node, or the other through the cluster). */
  const reachable = async (browser: Browser): Promise<void> => {
    for (const gw of nodes) {
      await expect.poll(() => gw.registry.all().some((p) => p.id === browser.sessionId), { timeout: 5_000 }).toBe(true);
    }
  };

  /** A call through nginx's Asterisk side: rung at the browser, answered, a tone each way at its level. */
  async function callThrough(browser: Browser): Promise<void> {
    const asterisk = new FakeAsterisk({ url: `ws://127.0.0.1:${asteriskPort}` });
    try {
      const call = await asterisk.call('ws-ext-2001', { params: { from: '0312345678' } });
      call.play(tone(440, { amplitude: 0.5 }));
      await call.answered;
      await expect.poll(() => browser.heard.length, { timeout: 5_000 }).toBeGreaterThanOrEqual(25);
      const down = analyseTone(s16leToFloat(Buffer.concat(browser.heard.slice(-20))), 16_000);
      expect(Math.abs(down.hz - 440)).toBeLessThanOrEqual(2);
      expect(down.amplitude).toBeCloseTo(0.5, 1);
      await expect.poll(() => call.received.frames, { timeout: 5_000 }).toBeGreaterThanOrEqual(25);
      const up = analyseTone(call.received.samples().subarray(-4_000), 16_000);
      expect(Math.abs(up.hz - 1_000)).toBeLessThanOrEqual(2);
      expect(up.amplitude).toBeCloseTo(0.5, 1);
      await call.hangup();
    } finally {
      await asterisk.close();
    }
  }

  test('a browser and a call through it meet whichever node each landed on, with audio both ways', async () => {
    const browser = await Browser.login(`wss://localhost:${browserPort}`, ca);
    await reachable(browser);
    await callThrough(browser);
    browser.ws.close();
    await once(browser.ws, 'close');
  });

  test('when the browser’s node stops, the browser logs in again through nginx on the other node and is rung there', async () => {
    const first = await Browser.login(`wss://localhost:${browserPort}`, ca);
    await reachable(first);
    const home = nodes.findIndex((gw) => gw.registry.all().some((p) => p.id === first.sessionId && p.node === undefined));
    expect(home).toBeGreaterThanOrEqual(0);
    const gone = once(first.ws, 'close');
    await nodes[home]!.close();
    await gone;
    nodes.splice(home, 1);
    const again = await Browser.login(`wss://localhost:${browserPort}`, ca);
    expect(nodes[0]!.registry.all().some((p) => p.id === again.sessionId && p.node === undefined)).toBe(true);
    await callThrough(again);
    again.ws.close();
    await once(again.ws, 'close');
  });
});
