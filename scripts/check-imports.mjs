#!/usr/bin/env node
/**
 * The import rules of the repository, checked on the import graph that TypeScript itself reads
 * (`ts.preProcessFile`: every `import`, `import type`, `export … from` and dynamic `import()`),
 * so a new cycle fails `npm test` with a message that names it. No dependency beyond TypeScript.
 *
 * Design: `scanImports()` reads every file of every package's source and test folders once into
 * a graph of {@link ModuleRecord}s (each import with its resolved file, or undefined for a package
 * name); each rule is a plain `{ name, check(graph) }` in {@link RULES} returning readable
 * violations. A new rule is one more entry in that list, as "a test imports another package only
 * by its name" is (it reads the `test` files' `imports[].resolved` against their `pkg`).
 *
 * Usage: `node scripts/check-imports.mjs` (exit 0: clean; 1: violations printed; 2: a crash).
 * @packageDocumentation
 */
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

/**
 * The packages whose imports are checked: `src` is the production code, `tests` the test folders;
 * `dir` the package's folder (default: its name). The bench has only test code; the test kit's
 * source is test code too.
 */
export const PACKAGES = [
  { name: 'gateway', src: 'gateway/src', tests: ['gateway/test'] },
  { name: 'sdk', src: 'sdk/src', tests: ['sdk/test'] },
  { name: 'web-components', src: 'web-components/src', tests: ['web-components/test'] },
  { name: 'e2e', src: 'e2e/src', tests: ['e2e/test', 'e2e/tests', 'e2e/examples', 'e2e/asterisk', 'e2e/firefox'] },
  { name: 'testkit', tests: ['testkit/src'] },
  { name: 'bench', tests: ['bench/src'] },
];

const SOURCE_FILE = /\.(?:[cm]?ts|tsx|[cm]?js)$/;
/** What a `.js` specifier may stand for (TypeScript's ESM rule: import the emitted name). */
const CANDIDATES = { '.js': ['.ts', '.tsx', '.d.ts', '.js'], '.mjs': ['.mts', '.d.mts', '.mjs'], '.cjs': ['.cts', '.cjs'], '': ['.ts', '.tsx', '.d.ts', '/index.ts'] };

/**
 * @typedef {{ specifier: string, resolved: string | undefined }} ImportRecord
 *   `resolved`: the repo-relative file a relative specifier names; undefined for a package name.
 * @typedef {{ file: string, pkg: string, role: 'src' | 'test', folder: string, imports: ImportRecord[] }} ModuleRecord
 *   `folder`: the file's directory relative to its root (`''` for the root itself).
 * @typedef {{ root: string, modules: Map<string, ModuleRecord> }} ImportGraph
 * @typedef {{ rule: string, message: string }} Violation
 * @typedef {{ name: string, check: (graph: ImportGraph) => Violation[] }} Rule
 */

/** Every source file under `dir` (skipping node_modules and dist), repo-relative with `/`. */
function filesUnder(root, dir) {
  const abs = join(root, dir);
  if (!existsSync(abs)) return [];
  const out = [];
  for (const name of readdirSync(abs).sort()) {
    if (name === 'node_modules' || name === 'dist') continue;
    const rel = `${dir}/${name}`;
    if (statSync(join(root, rel)).isDirectory()) out.push(...filesUnder(root, rel));
    else if (SOURCE_FILE.test(name)) out.push(rel);
  }
  return out;
}

/** The file a relative specifier in `from` names, or undefined when none exists. */
function resolveSpecifier(root, from, specifier) {
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) return undefined;
  const bare = specifier.replace(/[?#].*$/, ''); // `./x.worklet.ts?worklet`, `./x.css?inline`
  const target = join(dirname(from), bare).split(sep).join('/');
  if (existsSync(join(root, target)) && statSync(join(root, target)).isFile()) return target;
  const ext = Object.keys(CANDIDATES).find((e) => e !== '' && target.endsWith(e)) ?? '';
  const stem = target.slice(0, target.length - ext.length);
  for (const candidate of CANDIDATES[ext]) if (existsSync(join(root, stem + candidate))) return stem + candidate;
  return `${target} (missing)`;
}

/**
 * Read the imports of every package's source and test files.
 * @param {string} root the repository root
 * @param {typeof PACKAGES} packages
 * @returns {ImportGraph}
 */
export function scanImports(root, packages = PACKAGES) {
  const modules = new Map();
  for (const pkg of packages) {
    for (const [role, dirs] of [['src', pkg.src === undefined ? [] : [pkg.src]], ['test', pkg.tests ?? []]]) {
      for (const dir of dirs) {
        for (const file of filesUnder(root, dir)) {
          const info = ts.preProcessFile(readFileSync(join(root, file), 'utf8'), true, true);
          const imports = info.importedFiles.map(({ fileName }) => ({ specifier: fileName, resolved: resolveSpecifier(root, file, fileName) }));
          const folder = dirname(relative(dir, file)).split(sep).join('/');
          modules.set(file, { file, pkg: pkg.name, role, folder: folder === '.' ? '' : folder, imports });
        }
      }
    }
  }
  return { root, modules, packages };
}

/**
 * The strongly connected components of a graph with more than one node or a self-edge (Tarjan),
 * each with its members and the shortest cycle through its first member, in a stable order.
 * @param {Map<string, Set<string>>} edges
 * @returns {{ cycle: string[], members: string[] }[]}
 */
export function findCycles(edges) {
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const components = [];
  let next = 0;
  const visit = (node) => {
    index.set(node, next);
    low.set(node, next++);
    stack.push(node);
    onStack.add(node);
    for (const to of edges.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node), low.get(to)));
      } else if (onStack.has(to)) low.set(node, Math.min(low.get(node), index.get(to)));
    }
    if (low.get(node) !== index.get(node)) return;
    const component = [];
    let member;
    do {
      member = stack.pop();
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || edges.get(node)?.has(node)) components.push(component);
  };
  for (const node of [...edges.keys()].sort()) if (!index.has(node)) visit(node);
  return components.map((c) => ({ cycle: cycleThrough(new Set(c), edges), members: c.sort() })).sort((a, b) => a.cycle[0].localeCompare(b.cycle[0]));
}

/** A shortest cycle from the component's first node (sorted) back to itself, by breadth-first search. */
function cycleThrough(component, edges) {
  const start = [...component].sort()[0];
  const parent = new Map([[start, undefined]]);
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift();
    for (const to of [...(edges.get(node) ?? [])].sort()) {
      if (!component.has(to)) continue;
      if (to === start) {
        const path = [];
        for (let n = node; n !== undefined; n = parent.get(n)) path.unshift(n);
        return path;
      }
      if (!parent.has(to)) {
        parent.set(to, node);
        queue.push(to);
      }
    }
  }
  return [start];
}

/** Source files only, grouped by package: cycles are a property of one package's production code. */
function sourceEdges(graph, keyOf, skip = () => false) {
  /** @type {Map<string, Map<string, Set<string>>>} */
  const byPkg = new Map();
  /** @type {Map<string, string>} one file edge behind each key edge, to name it in messages */
  const witness = new Map();
  for (const m of graph.modules.values()) {
    if (m.role !== 'src') continue;
    const edges = byPkg.get(m.pkg) ?? byPkg.set(m.pkg, new Map()).get(m.pkg);
    const from = keyOf(m);
    if (!edges.has(from)) edges.set(from, new Set());
    for (const { resolved } of m.imports) {
      const target = resolved === undefined ? undefined : graph.modules.get(resolved);
      if (target === undefined || target.role !== 'src' || target.pkg !== m.pkg || skip(m, target)) continue;
      const to = keyOf(target);
      if (from === to && keyOf !== byFile) continue; // a folder importing itself is no cycle
      edges.get(from).add(to);
      if (!witness.has(`${from}→${to}`)) witness.set(`${from}→${to}`, `${m.file} → ${target.file}`);
    }
  }
  return { byPkg, witness };
}

const byFile = (m) => m.file;
/**
 * A file's node in the folder graph: its folder under the package's root, or, for a file at the
 * root itself (server.ts above everything, errors.ts below everything), the file alone.
 */
const folderKey = (m) => `${m.pkg}:${m.folder === '' ? m.file.slice(m.file.lastIndexOf('/') + 1) : `${m.folder}/`}`;

/** The rest of a strongly connected component, when the cycle shown does not pass through all of it. */
function alsoIn(cycle, members, name) {
  const rest = members.filter((m) => !cycle.includes(m));
  return rest.length === 0 ? '' : `\n    (tangled with it: ${rest.map(name).join(', ')})`;
}

/** @type {Rule} No file imports itself through other files (type-only imports count: they are design cycles too). */
export const noFileCycles = {
  name: 'no-file-cycles',
  check(graph) {
    const { byPkg } = sourceEdges(graph, byFile);
    return [...byPkg.values()].flatMap((edges) =>
      findCycles(edges).map(({ cycle, members }) => ({
        rule: 'no-file-cycles',
        message: `file cycle: ${[...cycle, cycle[0]].join(' → ')}${alsoIn(cycle, members, (f) => f)}`,
      })),
    );
  },
};

/** @type {Rule} No folder under a package's src/ depends on itself through other folders (the layering). */
export const noFolderCycles = {
  name: 'no-folder-cycles',
  check(graph) {
    // Between two files at the root an import is a file edge, which no-file-cycles already judges.
    const { byPkg, witness } = sourceEdges(graph, folderKey, (from, to) => from.folder === '' && to.folder === '');
    const name = (key) => key.slice(key.indexOf(':') + 1);
    return [...byPkg.values()].flatMap((edges) =>
      findCycles(edges).map(({ cycle, members }) => {
        const steps = cycle.map((from, i) => witness.get(`${from}→${cycle[(i + 1) % cycle.length]}`));
        return {
          rule: 'no-folder-cycles',
          message: `folder cycle: ${[...cycle, cycle[0]].map(name).join(' → ')}${alsoIn(cycle, members, name)}\n    because ${steps.join('\n        and ')}`,
        };
      }),
    );
  },
};

/** The package folder a repo-relative path lies in, or undefined outside every package. */
const packageOf = (packages, path) => packages.find((p) => path.startsWith(`${p.dir ?? p.name}/`));

/**
 * A test's import of another package's file by a relative path: what it names and what to do instead.
 * @returns {Violation[]}
 */
function crossPackagePathImports(graph, packages) {
  const violations = [];
  for (const m of graph.modules.values()) {
    if (m.role !== 'test') continue;
    for (const { specifier, resolved } of m.imports) {
      const target = resolved === undefined ? undefined : packageOf(packages, resolved);
      if (target === undefined || target.name === m.pkg) continue;
      violations.push({
        rule: 'tests-import-packages-by-name',
        message:
          `test import by path: ${m.file} imports '${specifier}', a file of the ${target.name} package\n` +
          `    import it by the package's name (e.g. '@gag/${target.name}/…' through an export in ${target.dir ?? target.name}/package.json), ` +
          `or move what tests share to @gag/testkit`,
      });
    }
  }
  return violations;
}

/**
 * @type {Rule} A test file (the packages' test folders, the test kit, the bench) imports another
 * workspace package only by its package name, never by a relative path into that package: a test
 * then uses what the package exports, and the package can move its files without breaking others.
 */
export const testsImportPackagesByName = {
  name: 'tests-import-packages-by-name',
  check: (graph) => crossPackagePathImports(graph, graph.packages ?? PACKAGES),
};

/** The rules `npm test` enforces, in order. */
export const RULES = [noFileCycles, noFolderCycles, testsImportPackagesByName];

/**
 * Run `rules` on the repository at `root`.
 * @returns {Violation[]}
 * @example
 * const violations = checkImports(process.cwd());
 */
export function checkImports(root, { packages = PACKAGES, rules = RULES } = {}) {
  const graph = scanImports(root, packages);
  return rules.flatMap((rule) => rule.check(graph));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  try {
    const violations = checkImports(root);
    for (const v of violations) console.error(`check-imports: ${v.message}`);
    if (violations.length > 0) {
      console.error(`check-imports: ${violations.length} violation(s); break each cycle by moving the shared part below both sides; import other packages by name`);
      process.exit(1);
    }
    console.log(`check-imports: no cycles in ${PACKAGES.flatMap((p) => p.src ?? []).join(', ')}; tests import other packages by name`);
  } catch (e) {
    console.error(e);
    process.exit(2);
  }
}
