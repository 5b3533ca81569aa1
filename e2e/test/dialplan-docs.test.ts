/**
 * docs/asterisk.md is the one dialplan reference: every dialplan line another doc prints is one
 * of its lines, so what the real-Asterisk tier tests is what the docs show.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const DIALPLAN_LINE = /^\s*(exten|same) =>/;
const linesOf = (file: string): string[] =>
  readFileSync(resolve(ROOT, file), 'utf8')
    .split('\n')
    .filter((line) => DIALPLAN_LINE.test(line))
    .map((line) => line.trim());

describe('dialplans printed in the docs', () => {
  const cookbook = new Set(linesOf('docs/asterisk.md'));
  for (const file of ['README.md', 'docs/click-to-call.md', 'docs/migrating-from-goastgateway.md']) {
    it(`every dialplan line of ${file} is a line of docs/asterisk.md`, () => {
      const lines = linesOf(file);
      expect(lines.length).toBeGreaterThan(0);
      expect(lines.filter((line) => !cookbook.has(line))).toEqual([]);
    });
  }
});
