/**
 * A validation problem of a config file in words a person acts on: what the key must be, what
 * the file has, and the fix (`ring_timeout_ms: must be a number of milliseconds, got the string
 * "60000": remove the quotes`). Every problem of a file is reported at once.
 * @packageDocumentation
 */
import * as v from 'valibot';
import type { ConfigProblem } from '../errors.js';

/** A valibot issue of any schema. */
type Issue = v.BaseIssue<unknown>;

/** What a value of `expected` is, in words, for `key` (units come from the key's suffix). */
function expectedWords(expected: string | null, key: string): string {
  switch (expected) {
    case 'number':
      return key.endsWith('_ms') ? 'a number of milliseconds' : key.endsWith('timeout') ? 'a number of seconds' : key.endsWith('_per_min') ? 'a number per minute' : key.endsWith('port') ? 'a port number' : 'a number';
    case 'boolean':
      return 'true or false';
    case 'string':
      return 'a string in double quotes';
    case 'Array':
      return 'a list in square brackets';
    case 'Object':
      return 'an object in curly braces';
    default:
      return `one of ${expected ?? 'the allowed values'}`;
  }
}

/** The value the file has, in words. */
function describe(input: unknown): string {
  if (typeof input === 'string') return `the string ${JSON.stringify(input)}`;
  if (typeof input === 'number' || typeof input === 'boolean') return `${typeof input} ${String(input)}`;
  if (input === null) return 'null';
  return Array.isArray(input) ? 'a list' : 'an object';
}

/** The usual slip behind a type mismatch, if it is one. */
function hint(expected: string | null, input: unknown): string {
  if (expected === 'number' && typeof input === 'string' && input.trim() !== '' && Number.isFinite(Number(input))) return ': remove the quotes';
  if (expected === 'boolean' && (input === 'true' || input === 'false')) return ': remove the quotes';
  if (expected === 'Array' && typeof input === 'string') return `: write it as a list, [${JSON.stringify(input)}]`;
  if (expected === 'string' && (typeof input === 'number' || typeof input === 'boolean')) return `: put it in double quotes, "${String(input)}"`;
  return '';
}

/**
 * Every problem of a failed `safeParse`, one per key (the first issue of each), in words.
 * @param unknownKey the words for a key the schema does not know (a spelling suggestion).
 */
export function problemsOf(issues: readonly [Issue, ...Issue[]], unknownKey: (key: string) => string): ConfigProblem[] {
  const seen = new Set<string>();
  const problems: ConfigProblem[] = [];
  for (const issue of issues) {
    const key = v.getDotPath(issue) ?? '(top level)';
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ key, fix: fixOf(issue, key, unknownKey) });
  }
  return problems;
}

function fixOf(issue: Issue, key: string, unknownKey: (key: string) => string): string {
  if ((issue.type === 'strict_object' || issue.type === 'object') && issue.expected === 'never') return unknownKey(key);
  // A missing key is reported by the object, not by the key's own schema (and its message).
  if (issue.kind === 'schema' && issue.input === undefined) return 'is required';
  // A type mismatch whose message is valibot's default ("Invalid type: …"), not one of ours.
  if (issue.kind === 'schema' && issue.message.startsWith('Invalid ')) {
    return `must be ${expectedWords(issue.expected, key)}, got ${describe(issue.input)}${hint(issue.expected, issue.input)}`;
  }
  return issue.message;
}
