/**
 * What happens in the gateway, for those who watch it (metrics, the `/monitor` feed): calls
 * changing state, browsers coming and going, click-to-call requests, and the relay's totals.
 * Emitted synchronously where it happens, so listeners see events in the order they occurred.
 * @packageDocumentation
 */
import { EventEmitter } from 'eventemitter3';
import type { CallState } from '@gag/sdk/protocol';
import type { Phone } from '../browser/phone.js';
import type { DialActivity } from '../originate/dialer.js';
import type { Call } from './call.js';
import type { DtmfDigitResult } from './keypad.js';
import { RelayTotals } from './relay-totals.js';

/**
 * A live fork of a call (issue 20) as watchers see it: its state and counters.
 * @example activity.on('fork', (fork: ForkActivity) => console.log(fork.callId, fork.state, fork.dropped));
 */
export interface ForkActivity {
  /** The `streamSid` of the fork's messages. */
  readonly streamSid: string;
  /** The call it forks. */
  readonly callId: string;
  /** `connecting`, `open`, `reconnecting`, or `closed` (last). */
  readonly state: 'connecting' | 'open' | 'reconnecting' | 'closed';
  /** `fork_format`: Twilio's JSON, or binary audio frames. */
  readonly format: 'twilio' | 'binary';
  /** Messages sent to the service. */
  readonly sent: number;
  /** Messages dropped: the socket was not open or its buffer was full. */
  readonly dropped: number;
  /** Connections made again after a loss or a refusal. */
  readonly reconnects: number;
  /** In a cluster's `/monitor`, another node's fork names its node. */
  readonly node?: string;
}

/**
 * Events of {@link Activity}.
 * @internal Its listeners receive the gateway's own call and phone objects.
 */
export interface ActivityEvents {
  /** `call` moved from `previous` to `call.state` (ringing, talking, ended), or, still ringing, changed the phones it rings. */
  call: (call: Call, previous: CallState) => void;
  /** A browser logged in (`online`) or left. */
  presence: (phone: Phone, online: boolean) => void;
  /** A click-to-call request was answered, or an accepted one failed later. */
  dial: (dial: DialActivity) => void;
  /** A key a phone pressed was sent to Asterisk, or failed, or was dropped; once a digit (never the digit itself). */
  dtmf: (result: DtmfDigitResult) => void;
  /** A call's live fork started, connected, lost its service, or ended (`closed`, last). */
  fork: (fork: ForkActivity) => void;
  /** A supervisor joined a talking call, switched mode or left it (issue 21): `call.supervisors` is the new list. */
  supervision: (call: Call) => void;
}

/**
 * The gateway's activity feed.
 * @example
 * activity.on('call', (call, previous) => log.debug({ callId: call.id, previous, state: call.state }, 'call state'));
 * @internal Its events carry the gateway's own call and phone objects.
 */
export class Activity extends EventEmitter<ActivityEvents> {
  /** The audio relayed since start (summed from each phone's and leg's own counters when read). */
  readonly relay = new RelayTotals();
}
