/**
 * Issue 15, item 8 (static files): the gateway's static handler serves GET and HEAD only (and
 * the CORS preflight of a GET, issue 19), and every answer tells browsers not to sniff the type.
 * Before, POST, PUT and TRACE on `/gag-phone.js` were answered 200 with the bundle.
 */
import { request } from 'node:http';
import { expect, test } from 'vitest';
import { gatewayPerTestOnDemand } from '@gag/testkit/gateway';

const t = gatewayPerTestOnDemand();

/** One request to the gateway's browser port: status and headers (the body is read and dropped). */
function send(method: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  const url = new URL(path, t.gw.browserUrl.replace('ws', 'http'));
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      res.resume();
      res.once('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.once('error', reject);
    req.end();
  });
}

test.each(['POST', 'PUT', 'DELETE', 'PATCH', 'TRACE', 'OPTIONS'])('%s on the bundle and on a hashed file is 405 with Allow: GET, HEAD and nosniff', async (method) => {
  await t.start();
  for (const path of ['/gag-phone.js', '/gag-phone.0123456789abcdef.js']) {
    const res = await send(method, path);
    expect(res.status).toBe(405);
    expect(res.headers['allow']).toBe('GET, HEAD');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  }
});

test('GET and HEAD are served (or 404 when the bundle is not built), always with nosniff', async () => {
  await t.start();
  for (const method of ['GET', 'HEAD']) {
    const res = await send(method, '/gag-phone.js');
    expect([200, 404]).toContain(res.status);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  }
});

test('a CORS preflight for a GET (a page whose requests carry headers of their own) is answered 204 with CORS, so the bundle can import its files', async () => {
  await t.start();
  for (const path of ['/gag-phone.js', '/labels-en.0123456789abcdef.js']) {
    const res = await send('OPTIONS', path, { Origin: 'https://crm.example.com', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'x-crm-tenant' });
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-allow-methods']).toBe('GET, HEAD');
    expect(res.headers['access-control-allow-headers']).toBe('*');
  }
  expect((await send('OPTIONS', '/gag-phone.js', { Origin: 'https://crm.example.com', 'Access-Control-Request-Method': 'POST' })).status, 'a preflight for a write').toBe(405);
});
