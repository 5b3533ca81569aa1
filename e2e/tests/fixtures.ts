/**
 * The repository's own Playwright fixtures: the published ones (`@gag/e2e/playwright`), taken from
 * source here so that the specs run without a build of the e2e package.
 */
export * from '../src/playwright/index.js';
