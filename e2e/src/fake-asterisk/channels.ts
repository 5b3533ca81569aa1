/**
 * The fake Asterisk's channels by name, as Asterisk's channel container: what AMI actions that
 * name a channel (`PlayDTMF`'s `Channel`) look up. One per process, since every fake Asterisk of a
 * test plays the same Asterisk (the fixtures' callers and the fake AMI's call backs alike), and
 * names cannot collide: each carries a random pointer-like id.
 * @packageDocumentation
 */
/**
 * A call as the channel container holds it: its names and what AMI actions do to it (a `FakeCall`;
 * declared here so that the container need not import the call that registers itself in it).
 */
export interface Channel {
  readonly channel: string;
  readonly channelId: string;
  readonly state: 'ringing' | 'up' | 'ended';
  /** A key queued on the channel as received there. */
  receiveDtmf(digit: string): void;
  /** Keys sent out of the channel to the app (`DTMF_END`). */
  sendDtmf(digits: string): void;
}

const channels = new Map<string, Channel>();

/** @internal A call's channel exists from dialling until its socket is closed. */
export function addChannel(call: Channel): void {
  channels.set(call.channel, call);
}

/** @internal The call's channel is gone. */
export function removeChannel(call: Channel): void {
  if (channels.get(call.channel) === call) channels.delete(call.channel);
}

/**
 * The call whose channel is `name` (e.g. `WebSocket/ws-ext-2001/0x7f8368004e80`), or with that
 * unique id (`channel_id`), as `ast_channel_get_by_name()` finds either; undefined when none is up.
 */
export function channelByName(name: string): Channel | undefined {
  return channels.get(name) ?? [...channels.values()].find((call) => call.channelId === name);
}
