// `npm run docs`: the API reference of the four packages' public entry points, in docs/api/ (git-ignored).
//
// One program ("resolve" entry points and tsconfig.docs.json) rather than typedoc's "packages"
// mode: the packages share their types (the gateway speaks @gag/sdk/protocol's messages, the e2e
// fixtures take @gag/gateway's config), and one program, resolved from the sources, documents each
// such type once and links to it from every package, with one type-check (a few seconds) instead of four.
// Each entry point's file comment names its module (`@module @gag/sdk`).
import { OptionDefaults } from 'typedoc';

/** @type {Partial<import('typedoc').TypeDocOptions>} */
const config = {
  name: 'GAG API reference',
  tsconfig: 'tsconfig.docs.json',
  entryPointStrategy: 'resolve',
  entryPoints: [
    'gateway/src/index.ts',
    'sdk/src/index.ts',
    'sdk/src/protocol.ts',
    'sdk/src/supervisor.ts',
    'web-components/src/index.ts',
    'web-components/src/board/index.ts',
    'e2e/src/index.ts',
    'e2e/src/playwright/index.ts',
  ],
  out: 'docs/api',
  readme: 'none',
  // `@internal` is not public API (house style §11); private members are not either.
  excludeInternal: true,
  excludePrivate: true,
  // The component documents its events and styling API with the custom-elements tags.
  blockTags: [...OptionDefaults.blockTags, '@fires', '@csspart', '@cssprop'],
  // <gag-phone>'s members inherited from LitElement link to lit's own reference.
  externalSymbolLinkMappings: {
    '@lit/reactive-element': { '*': 'https://lit.dev/docs/api/ReactiveElement/' },
    'lit-element': { '*': 'https://lit.dev/docs/api/LitElement/' },
    'lit-html': { '*': 'https://lit.dev/docs/api/templates/' },
    lit: { '*': 'https://lit.dev/docs/api/' },
  },
  // "Defined in" names the file and line and links to it in this checkout (every page with a
  // source link is one folder below docs/api/); the clone's remote is not a web host to link to.
  disableGit: true,
  sourceLinkTemplate: '../../../{path}#L{line}',
  // Every warning fails the build: an undocumented export, a broken {@link}, a public signature
  // that names a type the package does not export.
  treatWarningsAsErrors: true,
  // Symbols belong to the package.json nearest their file, so the four packages are named here
  // (the default, the root package "gag", owns none of them).
  packagesRequiringDocumentation: ['@gag/gateway', '@gag/sdk', '@gag/web-components', '@gag/e2e'],
  validation: { notExported: true, invalidLink: true, notDocumented: true, rewrittenLink: true, unusedMergeModuleWith: true },
  plugin: ['./scripts/typedoc-gag.mjs'],
};

export default config;
