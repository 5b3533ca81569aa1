/**
 * Issue 15, item 8 (config): `--check-config` compiles `dial_number_pattern` on its own, so an
 * unbalanced one that would allow anything once wrapped is refused; groups live in a Map, so the
 * names an object would drop or inherit (`__proto__`, `constructor`) work like any other.
 */
import { EventEmitter } from 'node:events';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { gatewayPerTestOnDemand, TEST_SECRET } from '@gag/testkit/gateway';
import type { ConfigError } from '@gag/gateway';
import { main } from '../src/cli.js';
import { parseGroupsConfig } from '../src/config/groups.js';
import { parseGatewayConfig } from '../src/config/load.js';

const t = gatewayPerTestOnDemand();

/** `gag-gateway --check-config -c <config>` in-process: exit code and output. */
async function checkConfig(config: unknown): Promise<{ code: number; stdout: string; stderr: string }> {
  const file = join(await mkdtemp(join(tmpdir(), 'gag-hardening-')), 'goastgateway.json');
  await writeFile(file, JSON.stringify(config));
  const out = { stdout: '', stderr: '' };
  const code = await main(['--check-config', '-c', file], { stdout: (s) => (out.stdout += s), stderr: (s) => (out.stderr += s), process: new EventEmitter() });
  return { code, ...out };
}

test('--check-config refuses an unbalanced dial_number_pattern that would allow any number once wrapped (exit 2, the key and the fix)', async () => {
  const run = await checkConfig({ jwt_secret: TEST_SECRET, dial_number_pattern: '0\\d{9})|(.*' });
  expect(run.code).toBe(2);
  expect(run.stderr).toContain('dial_number_pattern: must be a regular expression that compiles on its own (balanced brackets)');
  expect(run.stderr).toContain('remove the key for the safe default');
  // The good default and a balanced pattern pass.
  expect((await checkConfig({ jwt_secret: TEST_SECRET })).code).toBe(0);
  expect((await checkConfig({ jwt_secret: TEST_SECRET, dial_number_pattern: '0[1-9]\\d{8}|0[789]0\\d{8}' })).code).toBe(0);
});

test('an exten_search_pattern that compiles only inside the gateway\'s wrapper is refused too', () => {
  expect(() => parseGatewayConfig('goastgateway.json', { jwt_secret: TEST_SECRET, exten_search_pattern: 'ws-ext-(\\w+))|((.*)' })).toThrow(/exten_search_pattern: must be a regular expression with one capture group/);
});

test('groups named __proto__ and constructor are groups like any other, and a call to them rings their members', async () => {
  const groups = parseGroupsConfig('gag_groups.json', JSON.parse('{"__proto__": {"strategy": "ringall", "members": ["2001"]}, "constructor": {"strategy": "ringall", "members": ["2002"]}}'));
  expect([...groups.keys()]).toEqual(['__proto__', 'constructor']);
  expect(groups.get('__proto__')).toEqual({ strategy: 'ringall', members: ['2001'], timeout: 30 });
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  await t.start({}, { groups });
  const [a, b] = [await t.phone('2001'), await t.phone('2002')];
  const toProto = await t.asterisk.call('ws-ext-__proto__');
  expect((await a.next('incoming')).callerNumber).toBeDefined();
  toProto.hangup();
  await a.next('ended');
  const toConstructor = await t.asterisk.call('ws-ext-constructor');
  await b.next('incoming');
  toConstructor.hangup();
  await b.next('ended');
});

test('a bad group is reported with its name in the key, every problem at once', () => {
  const problems = (() => {
    try {
      parseGroupsConfig('gag_groups.json', { sales: { strategy: 'round-robin', members: ['2001'] }, 'bad name!': { strategy: 'ringall', members: ['1'] } });
    } catch (e) {
      return (e as ConfigError).problems;
    }
    return [];
  })();
  expect(problems).toEqual([
    { key: 'sales.strategy', fix: 'must be "ringall" or "sequential"' },
    { key: 'bad name!', fix: 'group names are like extensions, e.g. "G01"' },
  ]);
});
