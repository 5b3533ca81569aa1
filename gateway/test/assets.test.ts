import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { Assets } from '../src/http/assets.js';

const hashOf = (body: string): string => createHash('sha256').update(body).digest('hex').slice(0, 16);
const PHONE = 'customElements.define("gag-phone", class extends HTMLElement {});\n';
const WORKLET = 'registerProcessor("gag-capture", class {});\n';

let dir: string;
let server: Server;
let base: string;

beforeEach(async () => {
  dir = await mkdtemp(`${tmpdir()}/gag-assets-`);
  const assets = new Assets({ dir });
  server = createServer((req, res) => {
    if (!assets.handle(req, res, new URL(req.url ?? '/', 'http://x').pathname)) res.writeHead(418).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

describe('the component bundle and its hashed files', () => {
  test('/gag-phone.js is revalidated on every load (no-cache, ETag of its content hash, 304 when unchanged)', async () => {
    await writeFile(`${dir}/gag-phone.js`, PHONE);
    const res = await fetch(`${base}/gag-phone.js`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(PHONE);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('etag')).toBe(`"${hashOf(PHONE)}"`);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const again = await fetch(`${base}/gag-phone.js`, { headers: { 'If-None-Match': `"${hashOf(PHONE)}"` } });
    expect(again.status).toBe(304);
  });

  test('/gag-board.js (the supervisors\' board, issue 21) is served as the phone is, beside it, and under its hash', async () => {
    const BOARD = 'customElements.define("gag-board", class extends HTMLElement {});\n';
    await writeFile(`${dir}/gag-phone.js`, PHONE);
    await writeFile(`${dir}/gag-board.js`, BOARD);
    const res = await fetch(`${base}/gag-board.js`);
    expect([res.status, await res.text(), res.headers.get('cache-control'), res.headers.get('etag')]).toEqual([200, BOARD, 'no-cache', `"${hashOf(BOARD)}"`]);
    expect(await (await fetch(`${base}/gag-board.${hashOf(BOARD)}.js`)).text()).toBe(BOARD);
    expect(await (await fetch(`${base}/gag-phone.js`)).text()).toBe(PHONE);
  });

  test('/gag-phone.<hash>.js serves the same bytes for a year (immutable), and an old hash is not found', async () => {
    await writeFile(`${dir}/gag-phone.js`, PHONE);
    const res = await fetch(`${base}/gag-phone.${hashOf(PHONE)}.js`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(PHONE);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await fetch(`${base}/gag-phone.${hashOf('an older build')}.js`)).status).toBe(404);
  });

  test('the worklet written next to the bundle under its content hash is served immutable, with CORS for addModule() from a CRM page', async () => {
    const name = `processors.worklet.${hashOf(WORKLET)}.js`;
    await writeFile(`${dir}/${name}`, WORKLET);
    const res = await fetch(`${base}/${name}`, { headers: { Origin: 'https://crm.example.com' } });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(WORKLET);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });

  test('a file whose content does not match the hash in its name is not served as immutable', async () => {
    const name = `processors.worklet.${hashOf('other bytes')}.js`;
    await writeFile(`${dir}/${name}`, WORKLET);
    expect((await fetch(`${base}/${name}`)).status).toBe(404);
  });

  test('only /gag-phone.js and name.<16 hex>.js are assets: other paths pass through, traversal is not looked up', async () => {
    await writeFile(`${dir}/gag-phone.js`, PHONE);
    expect((await fetch(`${base}/healthz`)).status).toBe(418);
    expect((await fetch(`${base}/package.json`)).status).toBe(418);
    expect((await fetch(`${base}/..%2fgag-phone.${hashOf(PHONE)}.js`)).status).toBe(418);
    expect((await fetch(`${base}/gag-phone.${hashOf(PHONE).toUpperCase()}.js`)).status).toBe(418);
  });

  test('a file not there answers 404 with CORS, so a CRM page can tell a file gone after an upgrade from a network failure', async () => {
    const res = await fetch(`${base}/call-media.${hashOf('an older build')}.js`, { method: 'HEAD', headers: { Origin: 'https://crm.example.com' } });
    expect(res.status).toBe(404);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });

  test('the bundle and the files it loads are kept as one build: rebuilding on disk does not take away the files of the bundle being served', async () => {
    const media = `call-media.${hashOf(WORKLET)}.js`;
    await writeFile(`${dir}/gag-phone.js`, PHONE);
    await writeFile(`${dir}/${media}`, WORKLET);
    expect((await fetch(`${base}/gag-phone.js`)).status).toBe(200);
    // A rebuild empties the folder and writes files under new hashes; the gateway still serves the bundle it read.
    await rm(`${dir}/${media}`);
    await writeFile(`${dir}/gag-phone.js`, `${PHONE}// rebuilt\n`);
    expect(await (await fetch(`${base}/gag-phone.js`)).text()).toBe(PHONE);
    const res = await fetch(`${base}/${media}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(WORKLET);
  });

  test('before the build the bundle answers 404 with how to build it, and is served once built', async () => {
    const missing = await fetch(`${base}/gag-phone.js`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('npm run build');
    await writeFile(`${dir}/gag-phone.js`, PHONE);
    expect((await fetch(`${base}/gag-phone.js`)).status).toBe(200);
  });
});
