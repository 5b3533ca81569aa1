/**
 * Ringing an extension the way GAG's documented dialplans dial the gateway: in the text format
 * `Dial(WebSocket/ws-ext-<ext>/c(slin16)n v(from=…,name=…))`, in the JSON format
 * docs/migrating-from-goastgateway.md's `f(json)` to the one client `ws-ext-endpoint` after
 * `Set(_WS_EXTEN=…)`, `Set(_GAG_CALLER_NUM=…)` and `Set(_GAG_CALLER_NAME=…)`: inherited with one
 * underscore, they arrive as `WS_EXTEN`, `GAG_CALLER_NUM` and `GAG_CALLER_NAME`.
 * @packageDocumentation
 */
import type { WireFormat } from '@gag/sdk/protocol';
import type { FakeAsterisk, FakeCall } from './client.js';
import type { ControlFormat } from './control.js';

/**
 * Who calls an extension, and how it is dialled.
 * @example const call = await dialExtension(asterisk, '2001', { from: '0312345678', name: 'Tanaka', format: 'json' });
 */
export interface ExtensionDialOptions {
  /** The caller's number: URI parameter `from` (text) or channel variable `GAG_CALLER_NUM` (JSON). */
  readonly from?: string;
  /** The caller's name: URI parameter `name` (text) or channel variable `GAG_CALLER_NAME` (JSON). */
  readonly name?: string;
  /** Default `text`. */
  readonly format?: ControlFormat;
  /** The media codec `c(…)`; default slin16. */
  readonly codec?: WireFormat;
  /** More URI parameters. */
  readonly params?: Readonly<Record<string, string>>;
  /** More channel variables (JSON format). */
  readonly channelVariables?: Readonly<Record<string, string>>;
  /** How far the channel's media clock is off the machine's (`DialOptions.clockSkew`); default 0. */
  readonly clockSkew?: number;
}

/**
 * Ring `extension` (or a group's name) through `asterisk` as GAG's dialplan would; resolves once
 * the gateway has the call (MEDIA_START sent).
 * @throws GagError `GAG_NOT_CONNECTED` when the gateway refuses the connection.
 * @example const call = await dialExtension(asterisk, '2001', { from: '0312345678', name: 'Tanaka' });
 */
export function dialExtension(asterisk: FakeAsterisk, extension: string, options: ExtensionDialOptions = {}): Promise<FakeCall> {
  const json = options.format === 'json';
  const caller: Record<string, string> = {};
  if (options.from !== undefined) caller[json ? '_GAG_CALLER_NUM' : 'from'] = options.from;
  if (options.name !== undefined) caller[json ? '_GAG_CALLER_NAME' : 'name'] = options.name;
  const codec = { ...(options.codec === undefined ? {} : { codec: options.codec }), ...(options.clockSkew === undefined ? {} : { clockSkew: options.clockSkew }) };
  if (json) {
    return asterisk.call('ws-ext-endpoint', {
      format: 'json',
      params: { ...options.params },
      dialplanVariables: { _WS_EXTEN: extension, ...caller },
      ...(options.channelVariables === undefined ? {} : { channelVariables: { ...options.channelVariables } }),
      ...codec,
    });
  }
  return asterisk.call(`ws-ext-${extension}`, {
    format: 'text',
    params: { ...caller, ...options.params },
    ...(options.channelVariables === undefined ? {} : { channelVariables: { ...options.channelVariables } }),
    ...codec,
  });
}
