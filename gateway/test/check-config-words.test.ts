/**
 * `--check-config` that teaches: every problem of a file at once, a line each; JSON syntax errors
 * with line, column and the text; type mismatches in words with the usual fix; gag_groups.json
 * the same way.
 */
import { EventEmitter } from 'node:events';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { main } from '../src/cli.js';

const SECRET = 'check-config-words-0123456789abcdef0123';
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gag-words-'));
});

/** `--check-config` of `config` (text or JSON) and optional groups; the stderr lines with the folder as `<dir>`. */
async function check(config: string | object, groups?: string | object): Promise<{ code: number; lines: string[] }> {
  const text = (x: string | object): string => (typeof x === 'string' ? x : JSON.stringify(x, null, 2));
  const file = join(dir, `${Math.random().toString(36).slice(2)}.json`);
  await writeFile(file, text(config));
  const args = ['-c', file, '--check-config'];
  if (groups !== undefined) {
    const g = join(dir, `${Math.random().toString(36).slice(2)}-groups.json`);
    await writeFile(g, text(groups));
    args.push('-g', g);
  }
  let stderr = '';
  const code = await main(args, { stdout: () => {}, stderr: (s) => (stderr += s), process: new EventEmitter() });
  return { code, lines: stderr.replaceAll(dir, '<dir>').replace(/<dir>\/[a-z0-9]+(-groups)?\.json/g, 'FILE').trimEnd().split('\n') };
}

describe('--check-config in words', () => {
  test('every problem of the file, a line each, type mismatches with their fix', async () => {
    const { code, lines } = await check({
      jwt_secret: SECRET,
      ring_timeout_ms: '60000',
      allow_insecure_browser: 'true',
      allowed_origins: 'https://crm.example.com',
      log_levl: 'info',
    });
    expect(code).toBe(2);
    expect(lines.sort()).toEqual([
      'gag-gateway: FILE: allow_insecure_browser: must be true or false, got the string "true": remove the quotes',
      'gag-gateway: FILE: allowed_origins: must be a list in square brackets, got the string "https://crm.example.com": write it as a list, ["https://crm.example.com"]',
      'gag-gateway: FILE: log_levl: unknown key — did you mean "log_level"?',
      'gag-gateway: FILE: ring_timeout_ms: must be a number of milliseconds, got the string "60000": remove the quotes',
    ]);
  });

  test.each([
    ['a comma after the last entry', `{\n  "jwt_secret": "${SECRET}",\n}\n`, 'line 3, column 1: a comma after the last entry: remove it — near "}"'],
    ['single quotes', `{\n  'jwt_secret': '${SECRET}'\n}\n`, `line 2, column 3: a character JSON does not allow here (strings need double quotes, true/false/null are lower case) — near "'jwt_secret': '${SECRET}'"`],
    ['a missing comma', `{\n  "jwt_secret": "${SECRET}"\n  "log_level": "info"\n}\n`, `line 3, column 3: ',' expected between two entries — near "\\"log_level\\": \\"info\\""`],
    ['a comment', `{\n  // the secret\n  "jwt_secret": "${SECRET}"\n}\n`, 'line 2, column 3: JSON has no comments: remove it — near "// the secret"'],
  ])('bad JSON (%s): the line, the column, what is wrong and the text', async (_name, text, where) => {
    expect(await check(text)).toEqual({ code: 2, lines: [`gag-gateway: FILE: (syntax): not valid JSON: ${where}`] });
  });

  test('gag_groups.json: every problem, in words', async () => {
    const { code, lines } = await check({ jwt_secret: SECRET }, { sales: { strategy: 'ringall', members: '2001', timeout: '30' }, G2: { strategy: 'all', members: ['2002'] } });
    expect(code).toBe(2);
    expect(lines.sort()).toEqual([
      'gag-gateway: FILE: G2.strategy: must be "ringall" or "sequential"',
      'gag-gateway: FILE: sales.members: must be a list in square brackets, got the string "2001": write it as a list, ["2001"]',
      'gag-gateway: FILE: sales.timeout: must be a number of seconds, got the string "30": remove the quotes',
    ]);
  });
});
