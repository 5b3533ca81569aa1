/**
 * What happens in the gateway, for those who watch it (metrics, the `/monitor` feed): calls
 * changing state, browsers coming and going, click-to-call requests, and the relay's counters.
 * Emitted synchronously where it happens, so listeners see events in the order they occurred.
 * @packageDocumentation
 */
import { EventEmitter } from 'eventemitter3';
import type { CallState, DialErrorCode } from '@gag/sdk/protocol';
import type { Phone } from '../browser/phone.js';
import type { Call } from './call.js';
import type { DtmfDigitResult } from './keypad.js';

/** A click-to-call request and its outcome. */
export interface DialActivity {
  readonly extension: string;
  /** The normalised number; undefined when it could not be read as one. */
  readonly number: string | undefined;
  /** Set when accepted (and on a late failure). */
  readonly dialId: string | undefined;
  /** `accepted`, or why it was refused or failed. */
  readonly result: 'accepted' | DialErrorCode;
  readonly via: 'ws' | 'http';
}

/** Events of {@link Activity}. */
export interface ActivityEvents {
  /** `call` moved from `previous` to `call.state` (ringing, talking, ended), or, still ringing, changed the phones it rings. */
  call: (call: Call, previous: CallState) => void;
  /** A browser logged in (`online`) or left. */
  presence: (phone: Phone, online: boolean) => void;
  /** A click-to-call request was answered, or an accepted one failed later. */
  dial: (dial: DialActivity) => void;
  /** A key a phone pressed was sent to Asterisk, or failed, or was dropped; once a digit (never the digit itself). */
  dtmf: (result: DtmfDigitResult) => void;
}

/**
 * Relay counters, bumped on the audio path with plain integer increments (no labels, no
 * allocation) and read by the metrics at scrape time. Frames are 20 ms slin16 frames.
 */
export interface RelayCounters {
  framesToBrowser: number;
  bytesToBrowser: number;
  framesToAsterisk: number;
  bytesToAsterisk: number;
  /** Not sent: the browser had more than MAX_BROWSER_BACKLOG_MS of audio unread. */
  framesDroppedToBrowser: number;
  /** Not sent: Asterisk had said MEDIA_XOFF, or had not read the last MAX_ASTERISK_BACKLOG_MS of audio. */
  framesDroppedToAsterisk: number;
}

/**
 * The gateway's activity feed.
 * @example
 * activity.on('call', (call, previous) => log.debug({ callId: call.id, previous, state: call.state }, 'call state'));
 */
export class Activity extends EventEmitter<ActivityEvents> {
  readonly relay: RelayCounters = {
    framesToBrowser: 0,
    bytesToBrowser: 0,
    framesToAsterisk: 0,
    bytesToAsterisk: 0,
    framesDroppedToBrowser: 0,
    framesDroppedToAsterisk: 0,
  };
}
