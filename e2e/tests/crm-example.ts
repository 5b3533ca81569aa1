/**
 * examples/crm.html as the specs open it: served by the fixtures' page server, pointed at their
 * gateway as extension 2001 with its token from the page server's `/token`.
 */
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import type { GagEnv } from '../src/playwright/index.js';

const CRM_PAGE = readFileSync(new URL('../../examples/crm.html', import.meta.url), 'utf8');

/** Open the CRM example in `lang` (its query string says where the gateway and the token are). */
export async function openCrmExample(page: Page, gag: GagEnv, lang: 'ja' | 'en'): Promise<void> {
  gag.serve('/crm.html', 'text/html; charset=utf-8', CRM_PAGE);
  const server = gag.gateway.browserUrl.replace('127.0.0.1', 'localhost');
  await page.goto(`${gag.pageOrigin}/crm.html?${new URLSearchParams({ server, ext: '2001', 'token-url': '/token?ext=2001', lang })}`);
}
