/**
 * Reading a JSON config file: one place for "missing", "unreadable" and "not JSON", each a
 * `ConfigError` naming the file and the fix.
 * @packageDocumentation
 */
import { readFile } from 'node:fs/promises';
import { ConfigError } from '../errors.js';

/**
 * The parsed JSON of `file`, or `undefined` when it does not exist and `optional` is set.
 * @throws ConfigError when the file is missing (and not optional), unreadable, or not JSON.
 * @example
 * const json = await readJsonFile('/usr/local/etc/gag_groups.json', { missingFix: 'check the path given with -g', optional: true });
 */
export async function readJsonFile(file: string, options: { missingFix: string; optional?: boolean }): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && options.optional === true) return undefined;
    throw new ConfigError({ file, key: '(file)', fix: code === 'ENOENT' ? `no such file — ${options.missingFix}` : `cannot be read (${code})` });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new ConfigError({ file, key: '(syntax)', fix: `not valid JSON: ${(cause as Error).message}` });
  }
}
