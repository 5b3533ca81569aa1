/** One package whose imports are checked: `src` its production code (none: test code only), `tests` its test folders, `dir` its folder (default `name`); repo-relative. */
export interface PackageRoots {
  readonly name: string;
  readonly src?: string;
  readonly tests?: readonly string[];
  readonly dir?: string;
}
/** One import of a file: `resolved` is the repo-relative file a relative specifier names; undefined for a package name. */
export interface ImportRecord {
  readonly specifier: string;
  readonly resolved: string | undefined;
}
/** A file of the graph: `folder` is its directory under its root (`''` for the root itself). */
export interface ModuleRecord {
  readonly file: string;
  readonly pkg: string;
  readonly role: 'src' | 'test';
  readonly folder: string;
  readonly imports: readonly ImportRecord[];
}
export interface ImportGraph {
  readonly root: string;
  readonly modules: ReadonlyMap<string, ModuleRecord>;
  /** The packages scanned. */
  readonly packages?: readonly PackageRoots[];
}
export interface Violation {
  readonly rule: string;
  readonly message: string;
}
/** A rule: a name and a check over the whole graph. */
export interface Rule {
  readonly name: string;
  check(graph: ImportGraph): Violation[];
}
/** The packages `npm test` checks. */
export const PACKAGES: readonly PackageRoots[];
/** Read the imports of every package's source and test files. */
export function scanImports(root: string, packages?: readonly PackageRoots[]): ImportGraph;
/** Strongly connected components with a cycle, each with its members and one shortest cycle through its first member. */
export function findCycles(edges: ReadonlyMap<string, ReadonlySet<string>>): { cycle: string[]; members: string[] }[];
export const noFileCycles: Rule;
export const noFolderCycles: Rule;
/** A test file imports another workspace package only by its package name, never by a relative path into it. */
export const testsImportPackagesByName: Rule;
/** The rules `npm test` enforces, in order. */
export const RULES: readonly Rule[];
/** Run `rules` (default {@link RULES}) on the repository at `root`. */
export function checkImports(root: string, options?: { packages?: readonly PackageRoots[]; rules?: readonly Rule[] }): Violation[];
