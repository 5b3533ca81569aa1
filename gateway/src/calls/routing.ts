/**
 * Who a call from Asterisk is for, and who is calling, from MEDIA_START and the URI parameters.
 *
 * A URI parameter may belong to an earlier call: Asterisk's `ast_websocket_client_add_uri_params()`
 * stores a call's `v()` string on the websocket_client section's shared object and never clears
 * it, so a later call on that section without `v()` (or a concurrent one) goes out with the
 * earlier call's query string. A channel variable is always the call's own, so it wins.
 * @packageDocumentation
 */
import { boundText } from '@gag/sdk/protocol';
import type { MediaStart } from '../asterisk/leg.js';
import type { GatewayConfig } from '../config/schema.js';
import { DIAL_ID_VARIABLE } from '../originate/originator.js';

/** Who is calling, as far as Asterisk told us. */
export interface CallerId {
  readonly number: string | null;
  readonly name: string | null;
}

/** URI parameter that names the extension directly (`v(exten=2001)`). */
export const EXTENSION_PARAM = 'exten';
/** URI parameter carrying a click-to-call's dial id (`v(dial=${GAG_DIAL_ID})`, docs/click-to-call.md). */
export const DIAL_ID_PARAM = 'dial';
/** The warning logged when a call's URI parameters prove to be an earlier call's. */
export const URI_PARAMS_LEAKED =
  'v() URI parameters leaked from an earlier call on the same websocket_client section — an Asterisk bug; use one section per extension, or channel variables';

/**
 * A connection id whose extension (the first group of `exten_search_pattern`) is a number is a
 * per-extension section (`ws-ext-2001`), dialled for that extension only. A shared section has a
 * name instead (`ws-ext-endpoint`, which the default pattern matches too) and needs `v(exten=…)`.
 */
const PER_EXTENSION = /^\d+$/;

/** Why a call's URI parameters were taken for an earlier call's and ignored. */
export interface LeakedParams {
  /** The parameter that gave them away. */
  readonly param: string;
  readonly uriValue: string;
  /** What it contradicts: a channel variable, the connection id, or an earlier call back. */
  readonly contradicts: string;
}

/** Where a call goes and what the phone is told about it. */
export interface CallRouting {
  readonly extension: string | undefined;
  readonly caller: CallerId;
  /** The click-to-call dial id it carries; only one the dialer issued for this extension counts. */
  readonly dialId: string | undefined;
  /** Set when the URI parameters were ignored as leaked (log {@link URI_PARAMS_LEAKED}). */
  readonly leaked: LeakedParams | undefined;
}

const NO_PARAMS = new URLSearchParams();

const nonEmpty = (s: string | null | undefined): string | undefined => (s === null || s === undefined || s === '' ? undefined : s);

/**
 * Route a call. Each fact comes from a channel variable (JSON format) first, then from the URI
 * parameters; the extension last from `exten_search_pattern` on the connection id. When the URI
 * parameters contradict what cannot leak, the whole query string is an earlier call's (Asterisk
 * stores it as one string) and none of it is used: `exten` against `extension_variable` or the
 * connection id of a per-extension section, `dial` against `GAG_DIAL_ID` or a dial id an earlier
 * call back already used (`claimedBefore`).
 * @example
 * const routing = routingOf(start, leg.params, config, (id) => dialer.claimedBefore(id));
 */
export function routingOf(start: MediaStart, params: URLSearchParams, config: GatewayConfig, claimedBefore: (dialId: string) => boolean): CallRouting {
  // MEDIA_START's names lost their `_`/`__` (asterisk/control.ts); a configured name may still carry them.
  const variable = (name: string): string | undefined => nonEmpty(start.channelVariables[name.replace(/^_{1,2}/, '')]);
  const fromConnection = nonEmpty(new RegExp(config.exten_search_pattern).exec(start.connectionId)?.[1]);
  const leaked = leakIn(params, {
    extension: variable(config.extension_variable),
    extensionVariable: config.extension_variable,
    dialId: variable(DIAL_ID_VARIABLE),
    perExtension: fromConnection !== undefined && PER_EXTENSION.test(fromConnection) ? fromConnection : undefined,
    claimedBefore,
  });
  const uri = leaked === undefined ? params : NO_PARAMS;
  const param = (name: string): string | undefined => nonEmpty(uri.get(name));
  return {
    extension: variable(config.extension_variable) ?? param(EXTENSION_PARAM) ?? fromConnection,
    // Asterisk passes whatever the caller's side sent: bounded to what the SDK reads (issue 15).
    caller: {
      number: displayed(variable(config.caller_number_variable) ?? param(config.caller_number_param)),
      name: displayed(variable(config.caller_name_variable) ?? param(config.caller_name_param)),
    },
    dialId: variable(DIAL_ID_VARIABLE) ?? param(DIAL_ID_PARAM),
    leaked,
  };
}

/** A caller field as `incoming` carries it: control characters removed, at most MAX_TEXT_CHARS; null when empty. */
function displayed(text: string | undefined): string | null {
  const bounded = text === undefined ? '' : boundText(text);
  return bounded === '' ? null : bounded;
}

/** What the URI parameters are checked against: facts that cannot leak. */
interface Trusted {
  readonly extension: string | undefined;
  readonly extensionVariable: string;
  readonly dialId: string | undefined;
  /** The extension of a per-extension section's connection id. */
  readonly perExtension: string | undefined;
  readonly claimedBefore: (dialId: string) => boolean;
}

/**
 * The first URI parameter that proves the query string an earlier call's. For a per-extension
 * section the connection id wins over `v(exten=…)`: the section is named in the dial string of
 * this very call, while the parameter may have been stored by any earlier one.
 */
function leakIn(params: URLSearchParams, trusted: Trusted): LeakedParams | undefined {
  const exten = nonEmpty(params.get(EXTENSION_PARAM));
  const dial = nonEmpty(params.get(DIAL_ID_PARAM));
  if (exten !== undefined && trusted.extension !== undefined && exten !== trusted.extension) {
    return { param: EXTENSION_PARAM, uriValue: exten, contradicts: `channel variable ${trusted.extensionVariable}` };
  }
  if (exten !== undefined && trusted.extension === undefined && trusted.perExtension !== undefined && exten !== trusted.perExtension) {
    return { param: EXTENSION_PARAM, uriValue: exten, contradicts: 'connection id' };
  }
  if (dial !== undefined && trusted.dialId !== undefined && dial !== trusted.dialId) {
    return { param: DIAL_ID_PARAM, uriValue: dial, contradicts: `channel variable ${DIAL_ID_VARIABLE}` };
  }
  if (dial !== undefined && trusted.dialId === undefined && trusted.claimedBefore(dial)) {
    return { param: DIAL_ID_PARAM, uriValue: dial, contradicts: 'a dial id an earlier call back used' };
  }
  return undefined;
}
