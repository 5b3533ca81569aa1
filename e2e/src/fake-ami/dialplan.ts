/**
 * What the dialplan of docs/click-to-call.md does with an originate, played by the fake AMI and
 * the fake ARI through the fake Asterisk: `Local/<ext>@<context>` runs
 * `Dial(WebSocket/ws-ext-<ext>/c(slin16)n v(dial=${GAG_DIAL_ID}))` (or, in the JSON format,
 * `f(json)` with the originate's variables inherited into `channel_variables`: the Local channel
 * copies them as they are, then `Dial()` keeps `__GAG_DIAL_ID` as `__GAG_DIAL_ID`), so the gateway
 * gets a call for the user's extension carrying the dial id.
 * @packageDocumentation
 */
import type { FakeAsterisk, FakeCall } from '../fake-asterisk/client.js';

/**
 * How the call back carries the dial id: URI parameter `dial` (default) or the inherited channel variable `__GAG_DIAL_ID` (JSON format).
 * @example await FakeAmi.start({ asterisk, dialIdVia: 'variable' });
 */
export type DialIdVia = 'param' | 'variable';

/** The channel variable the originate sets (with `__`, so it is inherited). */
export const DIAL_ID_VARIABLE = 'GAG_DIAL_ID';

const LOCAL_CHANNEL = /^Local\/([^@/]+)@([^/]+)$/;

/** The extension of a `Local/<ext>@<context>` channel, or undefined for any other channel. */
export function extensionOfChannel(channel: string): string | undefined {
  return LOCAL_CHANNEL.exec(channel)?.[1];
}

/** Variables as Asterisk stores them: `__NAME` and `_NAME` are `NAME`, inherited. */
export function variableName(name: string): string {
  return name.replace(/^_{1,2}/, '');
}

/**
 * Ring the extension of `channel` back through `asterisk`, as the `inhouse` context would, with
 * the originate's `variables` as it wrote them (`__GAG_DIAL_ID`). Resolves with the call, or
 * undefined when the channel is not a Local channel or the gateway refused the connection.
 */
export async function ringBack(
  asterisk: FakeAsterisk | undefined,
  channel: string,
  variables: Readonly<Record<string, string>>,
  via: DialIdVia,
): Promise<FakeCall | undefined> {
  const extension = extensionOfChannel(channel);
  if (extension === undefined || asterisk === undefined) return undefined;
  const connectionId = `ws-ext-${extension}`;
  try {
    // core_unreal.c copies every variable of the Local channel's ;1 half to its ;2 half verbatim;
    // the Dial() from ;2 then inherits them as Asterisk does (FakeAsterisk's dialplanVariables).
    if (via === 'variable') return await asterisk.call(connectionId, { format: 'json', dialplanVariables: { ...variables } });
    // `${GAG_DIAL_ID}` reads the variable whatever underscores it was set with.
    const dialId = Object.entries(variables).find(([name]) => variableName(name) === DIAL_ID_VARIABLE)?.[1];
    return await asterisk.call(connectionId, { params: dialId === undefined ? {} : { dial: dialId } });
  } catch {
    return undefined;
  }
}
