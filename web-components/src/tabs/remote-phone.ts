/**
 * What the leading tab's phone shows, as plain data the other tabs of the browser mirror: its
 * connection and its call (no audio, no methods).
 * @packageDocumentation
 */
import type { Call, ConnectionState, GagClient } from '@gag/sdk';

/** The leading tab's call, as the other tabs show it. */
export interface RemoteCall {
  readonly id: string;
  readonly callerNumber: string | null;
  readonly callerName: string | null;
  readonly group: string | null;
  /** The call back of a click-to-call (it answers itself in the leading tab). */
  readonly outbound: boolean;
  readonly dialedNumber: string | null;
  readonly state: 'ringing' | 'talking';
}

/** The leading tab's phone. */
export interface RemotePhone {
  readonly connection: ConnectionState;
  readonly call: RemoteCall | null;
}

/** What a phone is made of that the other tabs need: the client's state and calls. */
export type PhoneSource = Pick<GagClient, 'state' | 'calls'>;

function remoteCall(call: Call): RemoteCall | null {
  if (call.state !== 'ringing' && call.state !== 'talking') return null;
  return {
    id: call.id,
    callerNumber: call.callerNumber,
    callerName: call.callerName,
    group: call.group,
    outbound: call.outbound,
    dialedNumber: call.dialedNumber,
    state: call.state,
  };
}

/**
 * The phone as the other tabs show it: the connection and the call on screen (the one talking,
 * else the first ringing, as `<gag-phone>` shows one call at a time).
 * @example channel.post({ type: 'phone', phone: remotePhoneOf(client) });
 */
export function remotePhoneOf(source: PhoneSource): RemotePhone {
  const calls = source.calls.map(remoteCall).filter((c): c is RemoteCall => c !== null);
  const call = calls.find((c) => c.state === 'talking') ?? calls[0] ?? null;
  return { connection: source.state, call };
}
