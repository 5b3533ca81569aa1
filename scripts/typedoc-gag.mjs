// The typedoc plugin of `npm run docs` (typedoc.config.mjs). Two fixes for documenting four
// packages in one program:
//
// 1. notExported for every package. typedoc checks that a public signature names only documented
//    types for the project's own package (the root's, "gag", which owns no file) and takes every
//    other package's types as external. The check below is typedoc's, for the four packages: a type
//    of theirs that a documented signature names must be documented too (exported from an entry
//    point), or marked @internal together with what names it.
// 2. typedoc's "X has multiple declarations with a comment" is dropped when every declaration it
//    lists is the same place in the source. valibot's inferred object types
//    (`v.InferOutput<typeof Schema>`) give an optional key's property one declaration twice, so
//    typedoc warns about one comment (TypeStrong/typedoc#2358, #2437). A warning that lists two
//    different places is a real conflict and still fails the build.
// 3. House style §11: every exported function and class shows its use in an `@example` (checked
//    with notDocumented).
import { makeRecursiveVisitor, ReflectionKind } from 'typedoc';

/** The packages whose types must be documented wherever they are named. */
const PACKAGES = ['@gag/gateway', '@gag/sdk', '@gag/web-components', '@gag/e2e'];
const DUPLICATE = /has multiple declarations with a comment/;
const PLACES = /^The comments for .+ are declared at:\n/;

/** @param {import('typedoc').Application} app */
export function load(app) {
  checkExportsOfEveryPackage(app);
  checkExamples(app);
  dropSamePlaceDuplicates(app.logger);
}

/** @param {import('typedoc').Application} app */
function checkExamples(app) {
  const validate = app.validate.bind(app);
  app.validate = (project) => {
    validate(project);
    if (!app.options.getValue('validation').notDocumented) return;
    const exports = (container) =>
      (container.children ?? []).flatMap((child) => (child.kindOf(ReflectionKind.Namespace) ? exports(child) : [child]));
    for (const module of project.children ?? []) {
      for (const exported of exports(module)) {
        if (!exported.kindOf(ReflectionKind.Function | ReflectionKind.Class)) continue;
        const comments = [exported.comment, ...(exported.signatures ?? []).map((s) => s.comment)];
        if (comments.some((c) => c?.getTag('@example') !== undefined)) continue;
        app.logger.validationWarning(`${exported.getFriendlyFullName()} has no @example (house style: every export shows its use)`);
      }
    }
  };
}

/** @param {import('typedoc').Application} app */
function checkExportsOfEveryPackage(app) {
  const validate = app.validate.bind(app);
  app.validate = (project) => {
    validate(project);
    if (!app.options.getValue('validation').notExported) return;
    const warned = new Set();
    for (const owner of Object.values(project.reflections)) {
      const visitor = makeRecursiveVisitor({
        reference(type) {
          const id = type.symbolId;
          if (type.reflection || type.externalUrl || type.isIntentionallyBroken() || id === undefined) return;
          if (!PACKAGES.includes(id.packageName) || project.symbolIdHasBeenRemoved(id)) return;
          const key = id.getStableKey();
          if (warned.has(key)) return;
          warned.add(key);
          app.logger.validationWarning(
            `${type.qualifiedName}, defined in ${id.packageName}/${id.packagePath}, is referenced by ${owner.getFriendlyFullName()} but not included in the documentation`,
          );
        },
      });
      for (const type of [owner.type, owner.default, ...(owner.implementedTypes ?? [])]) type?.visit(visitor);
    }
  };
}

/** @param {import('typedoc').Logger} logger */
function dropSamePlaceDuplicates(logger) {
  const warn = logger.warn.bind(logger);
  const info = logger.info.bind(logger);
  /** @type {Parameters<typeof warn> | undefined} The warning held until typedoc lists its places (its next info line). */
  let held;
  const release = () => {
    if (held !== undefined) warn(...held);
    held = undefined;
  };
  logger.warn = (...args) => {
    release();
    if (DUPLICATE.test(String(args[0]))) held = args;
    else warn(...args);
  };
  logger.info = (...args) => {
    const text = String(args[0]);
    if (held !== undefined && PLACES.test(text)) {
      const places = new Set(text.split('\n').slice(1).map((line) => line.trim()));
      if (places.size === 1) {
        held = undefined;
        return;
      }
    }
    release();
    info(...args);
  };
}
