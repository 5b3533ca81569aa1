/**
 * What the leading tab's phone shows, as plain data the other tabs of the browser mirror: its
 * connection and its call (no audio, no methods).
 * @packageDocumentation
 */
import type { Call, ConnectionState, EndReason, GagClient } from '@gag/sdk';

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
  /** When it was answered (`Date.now()`, one clock for the tabs of a browser), for the call timer. */
  readonly answeredAtMs: number | null;
}

/** The leading tab's phone. */
export interface RemotePhone {
  readonly connection: ConnectionState;
  readonly call: RemoteCall | null;
  /** The last call that ended there, and why (the other tabs' `gag-ended`). */
  readonly ended: { readonly id: string; readonly reason: EndReason } | null;
  /** Whether its gateway offers click-to-call (the other tabs dial through it: `dial` over the channel). */
  readonly canDial?: boolean;
}

/** What a phone is made of that the other tabs need: the client's state, calls and whether it can dial. */
export type PhoneSource = Pick<GagClient, 'state' | 'calls' | 'canDial'>;

/** `call` as the other tabs show it; null once it is over (or before it rings). */
export function remoteCall(call: Call): RemoteCall | null {
  if (call.state !== 'ringing' && call.state !== 'talking') return null;
  return {
    id: call.id,
    callerNumber: call.callerNumber,
    callerName: call.callerName,
    group: call.group,
    outbound: call.outbound,
    dialedNumber: call.dialedNumber,
    state: call.state,
    answeredAtMs: call.state === 'talking' ? Date.now() - call.durationMs : null,
  };
}

/**
 * The phone as the other tabs show it: the connection and the call on screen (the one talking,
 * else the first ringing, as `<gag-phone>` shows one call at a time).
 * @example channel.post({ type: 'phone', phone: remotePhoneOf(client, null) });
 */
export function remotePhoneOf(source: PhoneSource, ended: RemotePhone['ended']): RemotePhone {
  const calls = source.calls.map(remoteCall).filter((c): c is RemoteCall => c !== null);
  const call = calls.find((c) => c.state === 'talking') ?? calls[0] ?? null;
  return { connection: source.state, call, ended, canDial: source.canDial };
}
