/**
 * axe-core over `<gag-phone>` in a page (its shadow root included): WCAG 2.x A/AA and axe's best
 * practices must find nothing. Shared by the component's browser specs.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.js';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

/** Scan every `<gag-phone>` (or `selector`, e.g. `gag-board`) of `page` in its `state`: the violations, one line per element, must be none. */
export async function expectNoViolations(page: Page, state: string, selector = 'gag-phone'): Promise<void> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE_SOURCE });
  const result = await page.evaluate(async ({ tags, selector }) => {
    const axe = (window as unknown as { axe: typeof import('axe-core') }).axe;
    const r = await axe.run({ include: [selector] }, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return {
      violations: r.violations.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact ?? '?'}): ${JSON.stringify(n.target)} ${n.failureSummary ?? ''}`)),
      passes: r.passes.length,
    };
  }, { tags: AXE_TAGS, selector });
  test.info().annotations.push({ type: 'axe', description: `${state}: ${result.violations.length} violations, ${result.passes} rules passed` });
  expect(result.violations, `axe violations in state '${state}'`).toEqual([]);
}
