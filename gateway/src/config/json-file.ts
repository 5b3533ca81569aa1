/**
 * Reading a JSON config file: one place for "missing", "unreadable" and "not JSON", each a
 * `ConfigError` naming the file and the fix (for bad JSON: the line, the column and the text).
 * @packageDocumentation
 */
import { readFile } from 'node:fs/promises';
import { parseTree, printParseErrorCode, type ParseError } from 'jsonc-parser';
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
    throw new ConfigError({ file, key: '(syntax)', fix: `not valid JSON: ${whereSyntaxFails(text) ?? (cause as Error).message}` }, { cause });
  }
}

/** What each parse error means, in words, and the usual fix. */
const SYNTAX_WORDS: Readonly<Record<string, string>> = {
  InvalidSymbol: 'a character JSON does not allow here (strings need double quotes, true/false/null are lower case)',
  InvalidNumberFormat: 'a malformed number',
  PropertyNameExpected: 'a key in double quotes expected',
  ValueExpected: 'a value expected',
  ColonExpected: "':' expected after the key",
  CommaExpected: "',' expected between two entries",
  CloseBraceExpected: "'}' expected",
  CloseBracketExpected: "']' expected",
  EndOfFileExpected: 'nothing may follow the closing brace',
  InvalidCommentToken: 'JSON has no comments: remove it',
  UnexpectedEndOfString: 'a string that is not closed',
  InvalidEscapeCharacter: 'an unknown escape in a string (write a backslash as \\\\)',
  InvalidCharacter: 'a control character in a string (escape it, e.g. \\n)',
};

/** The longest quoted stretch of a line in a message. */
const LINE_SHOWN_CHARS = 60;

/**
 * Where and why `text` is not JSON, as `line L, column C: what — near "the line"`, or undefined
 * when the scanner finds nothing (then JSON.parse's own message stands). JSON.parse decides
 * validity; jsonc-parser, in strict mode, only finds the place, which V8 does not always give.
 */
function whereSyntaxFails(text: string): string | undefined {
  const errors: ParseError[] = [];
  parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const [first] = errors;
  if (first === undefined) return undefined;
  const before = text.slice(0, first.offset);
  const line = before.split('\n').length;
  const column = first.offset - (before.lastIndexOf('\n') + 1) + 1;
  const lineText = (text.split('\n')[line - 1] ?? '').trim();
  const shown = lineText.length > LINE_SHOWN_CHARS ? `${lineText.slice(0, LINE_SHOWN_CHARS)}…` : lineText;
  // jsonc-parser's codes are a const enum: go by their names.
  const code = printParseErrorCode(first.error);
  let what = SYNTAX_WORDS[code] ?? code;
  // The commonest slip: a comma after the last entry.
  if ((code === 'PropertyNameExpected' || code === 'ValueExpected') && /,\s*$/.test(before)) {
    what = 'a comma after the last entry: remove it';
  }
  if (first.offset >= text.length) return `line ${line}: ${what}: the file ends too early`;
  return `line ${line}, column ${column}: ${what} — near ${JSON.stringify(shown)}`;
}
