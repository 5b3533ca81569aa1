/**
 * The README's token example (examples/mint-token.mjs): run as a user would run it, its token is
 * accepted by the gateway's own verifier, and the README shows it verbatim in both languages.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { verifyToken } from '@gag/gateway';
import { startTestGateway } from '@gag/testkit/gateway';
import { TestPhone } from '@gag/testkit/phone';

const root = new URL('../../', import.meta.url);
const EXAMPLE = fileURLToPath(new URL('examples/mint-token.mjs', root));
const run = promisify(execFile);

/** Run the example as `node examples/mint-token.mjs <ext>`; its stdout, trimmed. */
async function mint(env: Record<string, string>, ...args: string[]): Promise<string> {
  const { PATH } = process.env;
  const { stdout } = await run(process.execPath, [EXAMPLE, ...args], { env: { PATH: PATH ?? '', ...env }, timeout: 10_000 });
  return stdout.trim();
}

describe('examples/mint-token.mjs', () => {
  test('prints a token the gateway accepts for the extension given, valid for 8 hours', async () => {
    const secret = randomBytes(32).toString('hex');
    const token = await mint({ GAG_JWT_SECRET: secret }, '2001');
    const claims = await verifyToken(token, secret);
    expect(claims.extension).toBe('2001');
    expect(claims.expiresAtMs - Date.now()).toBeGreaterThan(8 * 3600_000 - 60_000);
    expect(claims.expiresAtMs - Date.now()).toBeLessThanOrEqual(8 * 3600_000);
  });

  test('the token is refused with another secret, and by a gateway that requires an issuer', async () => {
    const secret = randomBytes(32).toString('hex');
    const token = await mint({ GAG_JWT_SECRET: secret }, '2001');
    await expect(verifyToken(token, randomBytes(32).toString('hex'))).rejects.toMatchObject({ reason: 'signature' });
    const requiresIssuer = await startTestGateway({ jwt_secret: secret, jwt_issuer: 'https://crm.example.com' });
    try {
      const phone = new TestPhone(requiresIssuer.gw.browserUrl);
      await once(phone.ws, 'open', { signal: AbortSignal.timeout(2_000) });
      phone.send({ type: 'hello', token });
      expect(await phone.closed).toEqual({ code: 4100, reason: 'token refused: claims' });
    } finally {
      await requiresIssuer.stop();
    }
  });

  test('without GAG_JWT_SECRET it fails and prints no token', async () => {
    const failed = await run(process.execPath, [EXAMPLE, '2001'], { env: { PATH: process.env['PATH'] ?? '' }, timeout: 10_000 }).then(
      () => undefined,
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stdout).toBe('');
    expect(failed?.stderr).toContain('set GAG_JWT_SECRET');
  });
});

describe('the README', () => {
  const readme = readFileSync(new URL('README.md', root), 'utf8');
  const source = readFileSync(EXAMPLE, 'utf8');
  const [english = '', japanese = ''] = readme.split('\n## クイックスタート (日本語)\n');

  test.each([
    ['"Add a phone to your page"', english, '\n## Add a phone to your page\n'],
    ['「ページに電話を追加する」', japanese, '\n### ページに電話を追加する\n'],
  ])('shows examples/mint-token.mjs verbatim in %s', (_name, part, heading) => {
    const section = part.slice(part.indexOf(heading));
    expect(part).toContain(heading);
    expect(section).toContain('```js\n' + source + '```\n');
  });
});
