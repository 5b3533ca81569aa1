import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { checkImports, testsImportPackagesByName, type PackageRoots, type Rule } from '../check-imports.mjs';

const PKG: readonly PackageRoots[] = [{ name: 'pkg', src: 'pkg/src', tests: ['pkg/test'] }];
let root: string | undefined;

/** A temporary repository holding `files` (path → text). */
function tree(files: Record<string, string>): string {
  root = mkdtempSync(join(tmpdir(), 'gag-check-imports-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

afterEach(() => {
  if (root !== undefined) rmSync(root, { recursive: true, force: true });
  root = undefined;
});

describe('check-imports', () => {
  test('a tree without cycles passes, whatever its tests and packages import', () => {
    const at = tree({
      'pkg/src/index.ts': "export { a } from './a/a.js';\nimport 'valibot';",
      'pkg/src/a/a.ts': "import { b } from '../b/b.js';\nexport const a = b;",
      'pkg/src/b/b.ts': 'export const b = 1;',
      'pkg/test/a.test.ts': "import { a } from '../src/a/a.js';\nimport { b } from '../src/b/b.js';",
    });
    expect(checkImports(at, { packages: PKG })).toEqual([]);
  });

  test('a type-only file cycle fails and the message names every file of it in order', () => {
    const at = tree({
      'pkg/src/call.ts': "import type { Client } from './client.js';\nexport class Call {}",
      'pkg/src/client.ts': "import { Call } from './call.js';\nexport class Client {}",
    });
    expect(checkImports(at, { packages: PKG })).toEqual([
      { rule: 'no-file-cycles', message: 'file cycle: pkg/src/call.ts → pkg/src/client.ts → pkg/src/call.ts' },
    ]);
  });

  test('a folder cycle without a file cycle fails, naming the folders and one import behind each step', () => {
    const at = tree({
      'pkg/src/http/ws-close.ts': 'export const close = 1;',
      'pkg/src/http/routes.ts': "import { phone } from '../browser/phone.js';\nexport const routes = phone;",
      'pkg/src/browser/phone.ts': 'export const phone = 1;',
      'pkg/src/browser/session.ts': "import { close } from '../http/ws-close.js';\nexport const session = close;",
    });
    const violations = checkImports(at, { packages: PKG });
    expect(violations).toHaveLength(1);
    expect(violations[0]!.rule).toBe('no-folder-cycles');
    expect(violations[0]!.message).toBe(
      'folder cycle: browser/ → http/ → browser/\n' +
        '    because pkg/src/browser/session.ts → pkg/src/http/ws-close.ts\n' +
        '        and pkg/src/http/routes.ts → pkg/src/browser/phone.ts',
    );
  });

  test('files at the root of src/ are their own nodes: errors.ts below a folder and server.ts above it make no cycle', () => {
    const at = tree({
      'pkg/src/errors.ts': 'export class E {}',
      'pkg/src/server.ts': "import { l } from './net/listen.js';",
      'pkg/src/net/listen.ts': "import { E } from '../errors.js';\nexport const l = E;",
    });
    expect(checkImports(at, { packages: PKG })).toEqual([]);
  });

  test('a file importing itself is a cycle too', () => {
    const at = tree({ 'pkg/src/self.ts': "export type { T } from './self.js';\nexport type T = 1;" });
    expect(checkImports(at, { packages: PKG }).map((v) => v.message)).toEqual(['file cycle: pkg/src/self.ts → pkg/src/self.ts']);
  });

  test('a test importing another package by a relative path fails, naming the file, the import and the package; by its name it passes', () => {
    const packages: readonly PackageRoots[] = [...PKG, { name: 'other', src: 'other/src' }, { name: 'bench', tests: ['bench/src'] }];
    const at = tree({
      'pkg/src/a.ts': 'export const a = 1;',
      'pkg/test/a.test.ts': "import { a } from '../src/a.js';\nimport { x } from '@gag/other';\nimport { y } from '../../other/src/x.js';",
      'other/src/x.ts': 'export const x = 1;',
      'other/src/y.ts': "import { a } from '../../pkg/src/a.js';", // production code: not this rule's business
      'bench/src/run.ts': "import { x } from '../../other/dist/x.js';",
    });
    const found = checkImports(at, { packages, rules: [testsImportPackagesByName] });
    expect(found.map((v) => v.rule)).toEqual(['tests-import-packages-by-name', 'tests-import-packages-by-name']);
    expect(found.map((v) => v.message.split('\n')[0])).toEqual([
      "test import by path: pkg/test/a.test.ts imports '../../other/src/x.js', a file of the other package",
      "test import by path: bench/src/run.ts imports '../../other/dist/x.js', a file of the other package",
    ]);
    expect(found[0]!.message).toContain("import it by the package's name (e.g. '@gag/other/…' through an export in other/package.json)");
  });

  test('a rule added to the list sees every file of the packages, tests included, with resolved imports', () => {
    const at = tree({
      'pkg/src/a.ts': 'export const a = 1;',
      'pkg/test/a.test.ts': "import { a } from '../src/a.js';\nimport { x } from '../../other/src/x.js';",
      'other/src/x.ts': 'export const x = 1;',
    });
    const seen: string[] = [];
    const rule: Rule = {
      name: 'record',
      check: (graph) => {
        for (const m of graph.modules.values()) for (const i of m.imports) seen.push(`${m.role} ${m.file} → ${i.resolved ?? i.specifier}`);
        return [];
      },
    };
    expect(checkImports(at, { packages: PKG, rules: [rule] })).toEqual([]);
    expect(seen).toEqual(['test pkg/test/a.test.ts → pkg/src/a.ts', 'test pkg/test/a.test.ts → other/src/x.ts']);
  });
});
