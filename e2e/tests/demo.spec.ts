/**
 * The demo (`npm start`) as a newcomer meets it (issue 19): `?lang=en` on a Japanese demo, the echo
 * test's caller shown by its name, `POST /call-me` refused while no phone is online, and a restart
 * of the demo (a new random token secret) that the open page survives by itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { freePort } from '../src/loopback.js';
import { expect, test } from './fixtures.js';

const DEMO = fileURLToPath(new URL('../dist/demo/main.js', import.meta.url));

/** A running demo on `ports`, Japanese by default; resolves once it printed its address. */
async function startDemo(ports: readonly [number, number, number]): Promise<ChildProcess> {
  const [port, gatewayPort, asteriskPort] = ports;
  const demo = spawn(process.execPath, [DEMO, '--port', `${port}`, '--gateway-port', `${gatewayPort}`, '--asterisk-port', `${asteriskPort}`], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  demo.stdout!.on('data', (chunk: Buffer) => void (out += chunk.toString()));
  await expect.poll(() => out, { message: 'the demo printed its address', timeout: 20_000 }).toContain('GAG demo: open');
  return demo;
}

async function stopDemo(demo: ChildProcess): Promise<void> {
  if (demo.exitCode !== null) return;
  const exited = once(demo, 'exit');
  demo.kill('SIGTERM');
  await exited;
}

test('the demo speaks the language of ?lang=, rings the echo test by its name, refuses /call-me with nobody online, and its page signs in again after a restart', async ({ page }) => {
  const ports = [await freePort(), await freePort(), await freePort()] as const;
  let demo = await startDemo(ports);
  try {
    const base = `http://localhost:${ports[0]}`;
    const nobody = await fetch(`${base}/call-me?lang=en`, { method: 'POST' });
    expect({ status: nobody.status, body: await nobody.json() }).toEqual({ status: 409, body: { error: expect.stringContaining('No phone of extension 1000 is online') } });

    await page.goto(`${base}/?lang=en`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('GAG demo');
    const phone = page.locator('gag-phone');
    await expect(phone.getByRole('status')).toHaveText('Ready');

    await page.getByRole('button', { name: 'Call me (echo test)' }).click();
    await expect(phone.getByRole('status')).toHaveText('Incoming call');
    await expect(phone.locator('.number')).toHaveText('Echo test');
    await expect(phone.getByText('0000')).toHaveCount(0);
    await phone.getByRole('button', { name: 'Reject' }).click();
    await expect(phone.getByText('Call rejected')).toBeVisible();

    // npm start again: a new random secret. The page fetches a fresh token and is ready again.
    await stopDemo(demo);
    await expect(phone.getByRole('status')).toHaveText('Reconnecting…');
    demo = await startDemo(ports);
    await expect(phone.getByRole('status')).toHaveText('Ready', { timeout: 20_000 });
    await expect(phone.getByRole('alert')).toHaveCount(0);
  } finally {
    await stopDemo(demo);
  }
});
