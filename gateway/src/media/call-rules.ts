/**
 * The config rules that pick calls for recording and for forking (issue 20): every call, the
 * calls of some extensions, the calls that came through some groups.
 * @packageDocumentation
 */
import type { Call } from '../calls/call.js';

/** One set of rules (`record_*` or `fork_*` of goastgateway.json). */
export interface CallRules {
  readonly all: boolean;
  readonly extensions: readonly string[];
  readonly groups: readonly string[];
}

/**
 * Whether `rules` name `call`.
 * @example rulesName({ all: false, extensions: ['2001'], groups: [] }, call)
 */
export const rulesName = (rules: CallRules, call: Pick<Call, 'extension' | 'group'>): boolean =>
  rules.all || rules.extensions.includes(call.extension) || (call.group !== null && rules.groups.includes(call.group));
