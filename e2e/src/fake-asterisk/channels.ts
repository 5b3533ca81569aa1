/**
 * The fake Asterisk's channels by name, as Asterisk's channel container: what AMI actions that
 * name a channel (`PlayDTMF`'s `Channel`) look up. One per process, since every fake Asterisk of a
 * test plays the same Asterisk (the fixtures' callers and the fake AMI's call backs alike), and
 * names cannot collide: each carries a random pointer-like id.
 * @packageDocumentation
 */
import type { FakeCall } from './call.js';

const channels = new Map<string, FakeCall>();

/** @internal A call's channel exists from dialling until its socket is closed. */
export function addChannel(call: FakeCall): void {
  channels.set(call.channel, call);
}

/** @internal The call's channel is gone. */
export function removeChannel(call: FakeCall): void {
  if (channels.get(call.channel) === call) channels.delete(call.channel);
}

/**
 * The call whose channel is `name` (e.g. `WebSocket/ws-ext-2001/0x7f8368004e80`), or with that
 * unique id (`channel_id`), as `ast_channel_get_by_name()` finds either; undefined when none is up.
 */
export function channelByName(name: string): FakeCall | undefined {
  return channels.get(name) ?? [...channels.values()].find((call) => call.channelId === name);
}
