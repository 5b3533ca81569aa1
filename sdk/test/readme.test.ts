/**
 * The SDK README against the SDK: its examples are the files in examples/ (compiled with the SDK),
 * every `ts` block compiles against the SDK's real types, an interface it prints is the exported
 * one, and every public export is named in code (a code span or a code block), not just somewhere.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, test } from 'vitest';

const sdk = new URL('../', import.meta.url);
const readme = readFileSync(new URL('README.md', sdk), 'utf8');
const examples = readdirSync(new URL('examples/', sdk)).filter((f) => f.endsWith('.ts'));
const blocks = [...readme.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
/** The README's code: its code blocks of any language and its code spans. */
const code = [...readme.matchAll(/^```\w*\n([\s\S]*?)^```$/gm), ...readme.replace(/^```[\s\S]*?^```$/gm, '').matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!).join('\n');

/**
 * What the snippets take from the text around them (a `client`, a `call`, the page's `url` and
 * `getToken`), and every export of the SDK, as an app that imported them sees them.
 */
function around(exports: ReadonlyArray<{ name: string; value: boolean; type: boolean }>): string {
  const names = exports.flatMap(({ name, value, type }) => [
    ...(value ? [`const ${name}: typeof sdk.${name};`] : []),
    ...(type ? [`type ${name} = sdk.${name};`] : []),
  ]);
  return `import type * as sdk from '@gag/sdk';
declare global {
  ${names.join('\n  ')}
  const client: sdk.GagClient;
  const call: sdk.Call;
  const options: sdk.GagClientOptions;
  const url: string;
  const getToken: () => Promise<string>;
  function mountPhone(root: HTMLElement, url: string, getToken: () => Promise<string>): sdk.GagClient;
  function showMicrophoneHelp(message: string): void;
}
export {};
`;
}

/** The SDK's public exports (sdk/src/index.ts), values and types, as the compiler sees them. */
function publicExports(program: ts.Program): Array<{ name: string; value: boolean; type: boolean }> {
  const checker = program.getTypeChecker();
  const index = program.getSourceFile(fileURLToPath(new URL('src/index.ts', sdk)))!;
  return checker.getExportsOfModule(checker.getSymbolAtLocation(index)!).map((s) => {
    const flags = (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s).flags;
    return { name: s.name, value: (flags & ts.SymbolFlags.Value) !== 0, type: (flags & ts.SymbolFlags.Type) !== 0 };
  });
}

/** Compile `files` (path → text) with the SDK's browser settings; the diagnostics, as `file:line message`. */
function compile(files: ReadonlyMap<string, string>): { program: ts.Program; errors: string[] } {
  const options: ts.CompilerOptions = {
    strict: true,
    noUncheckedIndexedAccess: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (f) => files.has(f) || fileExists.call(host, f);
  host.readFile = (f) => files.get(f) ?? readFile.call(host, f);
  host.getSourceFile = (f, language, ...rest) => (files.has(f) ? ts.createSourceFile(f, files.get(f)!, language) : getSourceFile.call(host, f, language, ...rest));
  // The SDK's own ambient declarations (the worklets' globals, `?worklet` imports), as its tsconfig has them.
  const roots = [...files.keys(), ...['src/index.ts', 'src/audio/worklet-globals.d.ts'].map((f) => fileURLToPath(new URL(f, sdk)))];
  const program = ts.createProgram(roots, options, host);
  // Only the README's files are checked: the SDK itself is type-checked by `npm run typecheck`.
  const checked = program.getSourceFiles().filter((f) => files.has(f.fileName));
  const diagnostics = [...program.getOptionsDiagnostics(), ...checked.flatMap((f) => [...program.getSyntacticDiagnostics(f), ...program.getSemanticDiagnostics(f)])];
  const errors = diagnostics.map((d) => {
    const where = d.file === undefined ? '' : `${d.file.fileName.replace(/.*\//, '')}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1} `;
    return where + ts.flattenDiagnosticMessageText(d.messageText, '\n');
  });
  return { program, errors };
}

/** The SDK's exports, from a program of the SDK alone (made once: the compiler takes a while). */
let sdkExports: ReturnType<typeof publicExports> | undefined;
const exportsOfSdk = (): ReturnType<typeof publicExports> => (sdkExports ??= publicExports(compile(new Map()).program));

describe('the SDK README', () => {
  test.each(examples)('includes examples/%s verbatim, in a ts block', (file) => {
    const source = readFileSync(new URL(`examples/${file}`, sdk), 'utf8');
    expect(readme).toContain('```ts\n' + source + '```\n');
  });

  test('every ts block compiles against the SDK, and an interface it prints is the one the SDK exports', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(examples.length + 1);
    const dir = fileURLToPath(new URL('test/readme-blocks/', sdk));
    const exports = exportsOfSdk();
    const files = new Map([[`${dir}around.ts`, around(exports)]]);
    blocks.forEach((block, i) => {
      // A printed interface of the SDK's must match the exported one, both ways.
      const printed = [...block.matchAll(/^interface (\w+)/gm)].map((m) => m[1]!).filter((name) => exports.some((e) => e.name === name && e.type));
      const same = printed.map((name) => `declare const printed${name}: ${name}; const exported${name}: sdk.${name} = printed${name}; const back${name}: ${name} = exported${name};`);
      const imports = printed.length > 0 ? "import type * as sdk from '@gag/sdk';\n" : '';
      files.set(`${dir}block-${i + 1}.ts`, `${imports}${block}\n${same.join('\n')}\nexport {};\n`);
    });
    expect(compile(files).errors).toEqual([]);
  });

  test('names every public export of the SDK, values and types, in code', () => {
    const exports = exportsOfSdk();
    expect(exports.map((e) => e.name)).toContain('GagClient');
    const missing = exports.map((e) => e.name).filter((name) => !new RegExp(`\\b${name}\\b`).test(code));
    expect(missing).toEqual([]);
  });
});
