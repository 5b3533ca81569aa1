/**
 * docs/deploy.md's nginx site, as printed (only the ports, names and certificate paths changed),
 * in front of a real gateway: a browser's wss:// reaches /phone through it with its Origin and
 * logs in, and /healthz answers through it. Real nginx (Debian's, `node e2e/scripts/nginx.mjs`),
 * real TLS with a certificate made for the run, loopback only.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import { devConfig, mintToken, startGateway, type Gateway } from '@gag/gateway';
import { PHONE_PATH, SUBPROTOCOL, encodeClientMessage, parseServerMessage } from '@gag/sdk/protocol';
import { findNginx } from '../scripts/nginx.mjs';
import { freePort, untilAccepting } from '../src/loopback.js';
import { readCookbook, substituteOnce } from '../src/real-asterisk/cookbook.js';

const DEPLOY_DOC = fileURLToPath(new URL('../../docs/deploy.md', import.meta.url));
const NGINX = findNginx();
const ORIGIN = 'https://crm.example.test';
/** Bound on nginx coming up. */
const START_TIMEOUT_MS = 10_000;

const replaceOnce = (text: string, from: string, to: string): string => substituteOnce(text, from, to, "docs/deploy.md's nginx site", 'e2e/test/deploy-nginx.test.ts');

// CI has nginx (.ci/run installs it); elsewhere the test says it was skipped for want of one.
describe.skipIf(NGINX === undefined && process.env['CI'] !== 'true')("docs/deploy.md's nginx TLS proxy", () => {
  let gateway: Gateway;
  let nginx: ChildProcess;
  let dir: string;
  let port: number;
  let ca: Buffer;
  let secret: string;

  beforeAll(async () => {
    if (NGINX === undefined) throw new Error('no nginx: run node e2e/scripts/nginx.mjs');
    const config = devConfig({ browser_addr: '127.0.0.1:0', asterisk_addr: '127.0.0.1:0', allow_insecure_browser: true, allowed_origins: [ORIGIN], log_level: 'silent' });
    secret = config.jwt_secret;
    gateway = await startGateway(config);
    dir = mkdtempSync(join(tmpdir(), 'gag-nginx-'));
    mkdirSync(join(dir, 'tmp'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    ca = readFileSync(join(dir, 'cert.pem'));
    port = await freePort();
    let site = readCookbook(DEPLOY_DOC, 'nginx')['gag-site.conf'] ?? '';
    site = replaceOnce(site, 'listen 443 ssl;', `listen 127.0.0.1:${port} ssl;`);
    site = replaceOnce(site, 'server_name gw.example.com;', 'server_name localhost;');
    site = replaceOnce(site, '/etc/ssl/gw.example.com.pem', join(dir, 'cert.pem'));
    site = replaceOnce(site, '/etc/ssl/private/gw.example.com.key', join(dir, 'key.pem'));
    site = replaceOnce(site, 'proxy_pass http://127.0.0.1:8766;', `proxy_pass http://127.0.0.1:${new URL(gateway.browserUrl).port};`);
    writeFileSync(join(dir, 'gag-site.conf'), site);
    const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `${t}_temp_path ${join(dir, 'tmp', t)};`).join(' ');
    writeFileSync(join(dir, 'nginx.conf'), `daemon off; master_process off; pid ${join(dir, 'nginx.pid')}; error_log ${join(dir, 'error.log')} warn;
events {}
http { access_log off; ${temp} include ${join(dir, 'gag-site.conf')}; }
`);
    nginx = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: 'ignore' });
    await untilAccepting(port, START_TIMEOUT_MS);
  }, 30_000);

  afterAll(async () => {
    if (nginx !== undefined && nginx.exitCode === null) {
      const exited = once(nginx, 'exit');
      nginx.kill('SIGQUIT');
      await exited;
    }
    await gateway?.close();
  });

  test('a browser logs in over wss:// through it, its Origin checked by the gateway', async () => {
    const ws = new WebSocket(`wss://localhost:${port}${PHONE_PATH}`, SUBPROTOCOL, { ca, headers: { Origin: ORIGIN } });
    await once(ws, 'open');
    ws.send(encodeClientMessage({ type: 'hello', token: await mintToken({ secret, extension: '2001', ttlSeconds: 60 }) }));
    const [data] = (await once(ws, 'message')) as [Buffer];
    expect(parseServerMessage(data.toString('utf8'))).toMatchObject({ type: 'welcome', extension: '2001' });
    expect(gateway.registry.sessionsFor('2001')).toHaveLength(1);
    ws.close();
    await once(ws, 'close');
  });

  test('an Origin not in allowed_origins is still refused behind it', async () => {
    const ws = new WebSocket(`wss://localhost:${port}${PHONE_PATH}`, SUBPROTOCOL, { ca, headers: { Origin: 'https://evil.example.test' } });
    const [, res] = (await once(ws, 'unexpected-response')) as [unknown, { statusCode: number }];
    expect(res.statusCode).toBe(403);
    ws.on('error', () => {}); // terminating a refused handshake reports it as an error: expected here
    ws.terminate();
  });

  test('/healthz answers through it', async () => {
    const body = await new Promise<string>((resolve, reject) => {
      get({ host: '127.0.0.1', servername: 'localhost', port, path: '/healthz', ca }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        res.on('end', () => resolve(`${res.statusCode} ${text.trim()}`));
      }).on('error', reject);
    });
    expect(body).toBe('200 ok');
  });
});
