/**
 * The AMI wire format (Asterisk Manager Interface, TCP 5038), both ways. Asterisk first sends a
 * one-line banner, `Asterisk Call Manager/<version>\r\n`; after it every message either way is a
 * block of `Key: Value\r\n` lines ended by an empty line (`\r\n`). Keys repeat (`Variable:`), so a
 * message keeps its lines in order. Strict: a bare LF, a line without a colon, or a line or block
 * past its limit is a `ProtocolError`, and the client drops the connection (a peer's bad bytes can
 * neither grow our memory nor be half-read). Written by hand: no maintained, typed AMI client
 * exists on npm (docs/click-to-call.md, "Why our own AMI client").
 * @packageDocumentation
 */
import { StringDecoder } from 'node:string_decoder';
import { ProtocolError } from '@gag/sdk/protocol';

/** Longest line we read (Asterisk's own lines are far shorter; `Variable:` lists stay under this). */
export const MAX_AMI_LINE_CHARS = 8_192;
/** Most lines in one message: a message longer than this is not one Asterisk would send us. */
export const MAX_AMI_MESSAGE_LINES = 512;
/** What the banner starts with (manager.c: `Asterisk Call Manager/%s\r\n`). */
export const AMI_BANNER_PREFIX = 'Asterisk Call Manager/';

const KEY = /^[!-9;-~]{1,128}$/; // printable ASCII without ':' or space
const ACTION_KEY = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const ONE_LINE = /^[^\r\n\0]*$/;

/** One AMI message: its `Key: Value` lines in order. */
export class AmiMessage {
  readonly lines: ReadonlyArray<readonly [key: string, value: string]>;
  readonly #first = new Map<string, string>();

  constructor(lines: ReadonlyArray<readonly [string, string]>) {
    this.lines = lines;
    for (const [k, v] of lines) if (!this.#first.has(k.toLowerCase())) this.#first.set(k.toLowerCase(), v);
  }

  /** The value of the first line with `key` (AMI keys are case-insensitive). */
  get(key: string): string | undefined {
    return this.#first.get(key.toLowerCase());
  }

  /** Every value of `key`, in order (`Variable:` may repeat). */
  all(key: string): string[] {
    const k = key.toLowerCase();
    return this.lines.filter(([name]) => name.toLowerCase() === k).map(([, v]) => v);
  }
}

/** What {@link AmiParser.push} yields. */
export type AmiItem = { readonly kind: 'banner'; readonly version: string } | { readonly kind: 'message'; readonly message: AmiMessage };

/**
 * Turns the bytes Asterisk sends into the banner and then messages; holds a partial line between
 * chunks (never more than {@link MAX_AMI_LINE_CHARS}).
 * @example
 * const parser = new AmiParser();
 * socket.on('data', (chunk) => { for (const item of parser.push(chunk)) handle(item); });
 */
export class AmiParser {
  readonly #decoder = new StringDecoder('utf8');
  #pending = '';
  #bannerSeen = false;
  #lines: Array<readonly [string, string]> = [];

  /**
   * Feed one chunk; returns what it completed.
   * @throws ProtocolError (`GAG_PROTOCOL`) when the peer does not speak AMI or breaks a limit.
   */
  push(chunk: Buffer): AmiItem[] {
    this.#pending += this.#decoder.write(chunk);
    const items: AmiItem[] = [];
    for (;;) {
      const end = this.#pending.indexOf('\r\n');
      if (end === -1) break;
      const line = this.#pending.slice(0, end);
      this.#pending = this.#pending.slice(end + 2);
      const item = this.#line(line);
      if (item !== undefined) items.push(item);
    }
    if (this.#pending.includes('\n')) throw new ProtocolError('AMI: line ended by a bare LF');
    if (this.#pending.length > MAX_AMI_LINE_CHARS) throw new ProtocolError(`AMI: line longer than ${MAX_AMI_LINE_CHARS} characters`);
    return items;
  }

  #line(line: string): AmiItem | undefined {
    if (line.length > MAX_AMI_LINE_CHARS) throw new ProtocolError(`AMI: line longer than ${MAX_AMI_LINE_CHARS} characters`);
    if (line.includes('\n')) throw new ProtocolError('AMI: line ended by a bare LF');
    if (!this.#bannerSeen) {
      if (!line.startsWith(AMI_BANNER_PREFIX)) throw new ProtocolError('AMI: no "Asterisk Call Manager/" banner: is this the AMI port?');
      this.#bannerSeen = true;
      return { kind: 'banner', version: line.slice(AMI_BANNER_PREFIX.length) };
    }
    if (line === '') {
      if (this.#lines.length === 0) return undefined; // a stray empty line between messages
      const message = new AmiMessage(this.#lines);
      this.#lines = [];
      return { kind: 'message', message };
    }
    const colon = line.indexOf(':');
    const key = colon === -1 ? '' : line.slice(0, colon);
    if (!KEY.test(key)) throw new ProtocolError('AMI: a line that is not "Key: Value"');
    if (this.#lines.length >= MAX_AMI_MESSAGE_LINES) throw new ProtocolError(`AMI: message longer than ${MAX_AMI_MESSAGE_LINES} lines`);
    const value = line.slice(colon + 1);
    this.#lines.push([key, value.startsWith(' ') ? value.slice(1) : value]);
    return undefined;
  }
}

/**
 * The wire text of one action. Keys and values are ours (config checked by the schema, numbers
 * normalised to digits), so a CR or LF here is a bug, never sent: it would inject AMI lines.
 * @throws ProtocolError (`GAG_PROTOCOL`) for a key that is not a word or a value that is not one line.
 * @example
 * socket.write(encodeAmiAction([['Action', 'Ping'], ['ActionID', 'p1']]));
 */
export function encodeAmiAction(lines: ReadonlyArray<readonly [string, string]>): string {
  let text = '';
  for (const [key, value] of lines) {
    if (!ACTION_KEY.test(key)) throw new ProtocolError(`AMI: action key '${key}' is not a word`);
    if (!ONE_LINE.test(value)) throw new ProtocolError(`AMI: the value of ${key} is not one line`);
    text += `${key}: ${value}\r\n`;
  }
  return `${text}\r\n`;
}
