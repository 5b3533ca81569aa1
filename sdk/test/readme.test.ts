import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, test } from 'vitest';

const sdk = new URL('../', import.meta.url);
const readme = readFileSync(new URL('README.md', sdk), 'utf8');
const examples = readdirSync(new URL('examples/', sdk)).filter((f) => f.endsWith('.ts'));

describe('the SDK README', () => {
  test.each(examples)('includes examples/%s verbatim, in a ts block', (file) => {
    const source = readFileSync(new URL(`examples/${file}`, sdk), 'utf8');
    expect(readme).toContain('```ts\n' + source + '```\n');
  });

  test('documents every public export of the SDK', async () => {
    const api = await import('../src/index.js');
    for (const name of Object.keys(api)) expect(readme, name).toContain(name);
  });
});
