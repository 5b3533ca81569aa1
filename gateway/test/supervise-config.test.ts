/**
 * The supervisor keys of goastgateway.json (issue 21): `supervisors` (scopes by supervisor
 * extension, default none) and `supervisor_listen_shown` (default false), checked like every key:
 * each problem names the file, the key and the fix, `--check-config` prints them, and an extension
 * named like a property of Object finds no scope it was not given.
 */
import { EventEmitter } from 'node:events';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { main } from '../src/cli.js';
import { NO_GROUPS } from '../src/config/groups.js';
import { parseGatewayConfig } from '../src/config/load.js';
import { Scope } from '../src/supervise/scope.js';
import { SECRET, configError } from './config-error.js';

test('defaults: no supervisors, listening not shown', () => {
  const config = parseGatewayConfig('goastgateway.json', SECRET);
  expect(config.supervisors).toEqual({});
  expect(config.supervisor_listen_shown).toBe(false);
  for (const extension of ['9000', 'constructor', 'toString', '__proto__']) expect(Scope.of(config, NO_GROUPS, extension)).toBeUndefined();
});

test('each wrong value names its key and the fix', () => {
  expect(configError({ ...SECRET, supervisors: 'all' }).message).toBe('goastgateway.json: supervisors: must be an object in curly braces, got the string "all"');
  expect(configError({ ...SECRET, supervisors: { '9000': ['2001'] } }).message).toBe('goastgateway.json: supervisors.9000: must be an object in curly braces, got a list: write it as {"extensions": ["2001"], "groups": ["sales"]}');
  expect(configError({ ...SECRET, supervisors: ['9000'] }).message).toBe('goastgateway.json: supervisors: must be an object in curly braces, got a list: write it as {"9000": {"extensions": ["2001"]}}');
  expect(configError({ ...SECRET, supervisors: { '9000': { extension: ['2001'] } } })).toMatchObject({ key: 'supervisors.9000.extension' });
  expect(configError({ ...SECRET, supervisors: { '9000': { extensions: '2001' } } }).message).toBe('goastgateway.json: supervisors.9000.extensions: must be a list in square brackets, got the string "2001": write it as a list, ["2001"]');
  expect(configError({ ...SECRET, supervisors: { '9000': { extensions: ['20 01'] } } }).message).toMatch(/supervisors\.9000\.extensions\.0: each entry must be an extension, e\.g\. "2001", or "\*" for every extension/);
  expect(configError({ ...SECRET, supervisors: { '9000': { groups: ['*'] } } }).message).toMatch(/supervisors\.9000\.groups\.0: each entry must be a group name from gag_groups\.json/);
  expect(configError({ ...SECRET, supervisors: { 'sup visor': {} } }).message).toMatch(/each key must be the supervisor's extension/);
  expect(configError({ ...SECRET, supervisor_listen_shown: 'yes' })).toMatchObject({ key: 'supervisor_listen_shown' });
  expect(configError({ ...SECRET, supervisor_listen_shwon: true }).message).toMatch(/did you mean "supervisor_listen_shown"/);
});

test('a scope: named extensions, the members of its groups, or "*" for all', () => {
  const groups = new Map([['sales', { strategy: 'ringall' as const, members: ['2001', '2002'], timeout: 30 }]]);
  const config = parseGatewayConfig('goastgateway.json', { ...SECRET, supervisors: { '9000': { extensions: ['2003'], groups: ['sales'] }, '9001': { extensions: ['*'] }, '9002': {} } });
  const scope = Scope.of(config, groups, '9000')!;
  expect([...scope.named].sort()).toEqual(['2001', '2002', '2003']);
  expect([scope.seesAgent('2001'), scope.seesAgent('2003'), scope.seesAgent('2004')]).toEqual([true, true, false]);
  expect(Scope.of(config, groups, '9001')?.seesAgent('anything')).toBe(true);
  expect(Scope.of(config, groups, '9002')?.named.size).toBe(0); // a supervisor that sees nothing (yet)
});

test('--check-config prints every supervisor problem on its own line and exits 2', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gag-sup-'));
  const file = join(dir, 'goastgateway.json');
  await writeFile(file, JSON.stringify({ ...SECRET, supervisors: { '9000': { extensions: '2001', group: ['sales'] } }, supervisor_listen_shown: 'true' }));
  let stderr = '';
  const code = await main(['-c', file, '--check-config'], { stdout: () => {}, stderr: (s) => (stderr += s), process: new EventEmitter() });
  expect(code).toBe(2);
  expect(stderr.replaceAll(file, 'FILE').trimEnd().split('\n').sort()).toEqual([
    'gag-gateway: FILE: supervisor_listen_shown: must be true or false, got the string "true": remove the quotes',
    'gag-gateway: FILE: supervisors.9000.extensions: must be a list in square brackets, got the string "2001": write it as a list, ["2001"]',
    expect.stringMatching(/^gag-gateway: FILE: supervisors\.9000\.group: unknown key/),
  ]);
});
