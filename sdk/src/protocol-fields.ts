/**
 * The field types `gag.v1` messages share (an id, a bounded text, a moment), declared once for
 * protocol.ts and supervision-messages.ts.
 * @packageDocumentation
 */
import * as v from 'valibot';

/**
 * Longest text field of a message (an extension, a caller's number or name, a group), in UTF-16
 * code units as JavaScript counts `length`.
 * @example boundText(name).length <= MAX_TEXT_CHARS; // always true
 */
export const MAX_TEXT_CHARS = 256;

/** C0 and C1 control characters and DEL: never shown, and a caller's name may carry them. */
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * `text` without control characters, cut at whole characters (never half a surrogate pair) to at
 * most `maxChars` UTF-16 code units. The gateway bounds a caller's number and name with it before
 * `incoming`; the SDK bounds the optional display fields it receives the same way, rather than
 * refusing the message (issue 15: a 300-character name made the call unanswerable).
 * @example boundText('Tanaka\u0007 Taro'); // 'Tanaka Taro'
 */
export function boundText(text: string, maxChars: number = MAX_TEXT_CHARS): string {
  const clean = text.replace(CONTROL_CHARS, '');
  if (clean.length <= maxChars) return clean;
  let out = '';
  for (const ch of clean) {
    if (out.length + ch.length > maxChars) break;
    out += ch;
  }
  return out;
}

/** A call's id (and a `dial`'s request id): 1–64 characters. */
export const CallId = v.pipe(v.string(), v.minLength(1), v.maxLength(64));
/** A text the protocol relies on (an extension, a number): at most {@link MAX_TEXT_CHARS}, refused when longer. */
export const Text = v.pipe(v.string(), v.maxLength(MAX_TEXT_CHARS));
/** An optional text only shown to people (a caller's number or name, a group): bounded, never refused. */
export const DisplayText = v.pipe(v.string(), v.transform((s) => boundText(s)));
/** A moment as milliseconds since the epoch (a token's expiry). */
export const EpochMs = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(Number.MAX_SAFE_INTEGER));
