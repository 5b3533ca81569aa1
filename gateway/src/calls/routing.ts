/**
 * Who a call from Asterisk is for, and who is calling, from MEDIA_START and the URI parameters.
 * @packageDocumentation
 */
import type { MediaStart } from '../asterisk/leg.js';
import type { GatewayConfig } from '../config/schema.js';
import { DIAL_ID_VARIABLE } from '../originate/originator.js';
import type { CallerId } from './call.js';

/** URI parameter that names the extension directly (`v(exten=2001)`). */
export const EXTENSION_PARAM = 'exten';
/** URI parameter carrying a click-to-call's dial id (`v(dial=${GAG_DIAL_ID})`, docs/click-to-call.md). */
export const DIAL_ID_PARAM = 'dial';

const nonEmpty = (s: string | null | undefined): string | undefined => (s === null || s === undefined || s === '' ? undefined : s);

/**
 * The extension a call is for, in this order: URI parameter `exten`, channel variable
 * `extension_variable` (JSON format), `exten_search_pattern`'s first group on `connection_id`.
 */
export function extensionOf(start: MediaStart, params: URLSearchParams, config: GatewayConfig): string | undefined {
  return (
    nonEmpty(params.get(EXTENSION_PARAM)) ??
    nonEmpty(start.channelVariables[config.extension_variable]) ??
    nonEmpty(new RegExp(config.exten_search_pattern).exec(start.connectionId)?.[1])
  );
}

/** Caller number and name from the URI parameters, else from the channel variables `caller_*_variable` (JSON format). */
export function callerOf(start: MediaStart, params: URLSearchParams, config: GatewayConfig): CallerId {
  return {
    number: nonEmpty(params.get(config.caller_number_param)) ?? nonEmpty(start.channelVariables[config.caller_number_variable]) ?? null,
    name: nonEmpty(params.get(config.caller_name_param)) ?? nonEmpty(start.channelVariables[config.caller_name_variable]) ?? null,
  };
}

/**
 * The click-to-call dial id of a call back: URI parameter `dial`, else the inherited channel
 * variable `GAG_DIAL_ID` (JSON format). Only an id the dialer issued for this extension counts.
 */
export function dialIdOf(start: MediaStart, params: URLSearchParams): string | undefined {
  return nonEmpty(params.get(DIAL_ID_PARAM)) ?? nonEmpty(start.channelVariables[DIAL_ID_VARIABLE]);
}
