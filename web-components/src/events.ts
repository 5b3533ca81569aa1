/**
 * DOM events of `<gag-phone>`. All bubble and cross the shadow boundary (`composed`); `detail` is
 * plain readonly data a CRM can log or `postMessage`.
 * @packageDocumentation
 */
import type { CallState, EndReason } from '@gag/sdk';

/**
 * Who is calling; for the call back of the user's own click-to-call, whom it dials.
 * @example phone.addEventListener('gag-incoming', (e) => { if (e.detail.here) openCustomer(e.detail.callerNumber); });
 */
export interface CallDetail {
  /** The call's id, as the gateway named it (the same in its logs and `/api/calls`). */
  readonly callId: string;
  /** The caller's number, or null when Asterisk did not say. */
  readonly callerNumber: string | null;
  /** The caller's name, or null when Asterisk did not say. */
  readonly callerName: string | null;
  /** The group (queue) the call came through, if any. */
  readonly group: string | null;
  /** The call back of a click-to-call made from this phone: it answers itself, and `dialedNumber` is whom it calls. */
  readonly outbound: boolean;
  /** The number the click-to-call dials (null for a call from outside). */
  readonly dialedNumber: string | null;
  /**
   * Whether the phone is in this tab. False in a tab that shows the phone of another tab of the
   * browser (one tab holds it, tabs/): the events fire there too, once each, so a CRM can pop the
   * customer's record in the tab the agent looks at, or only `here`.
   */
  readonly here: boolean;
}

/** The detail of a call's events, from the call (here) or the mirrored call of another tab (tabs/). */
export const callDetail = ({ id, callerNumber, callerName, group, outbound, dialedNumber }: Omit<Readonly<CallDetail>, 'callId' | 'here'> & { readonly id: string }, here: boolean): CallDetail => ({
  callId: id,
  callerNumber,
  callerName,
  group,
  outbound,
  dialedNumber,
  here,
});

/**
 * Detail of each `gag-*` event; each is also in `HTMLElementEventMap`, so listeners are typed.
 * @example phone.addEventListener('gag-ended', (e) => crm.logCall(e.detail.callId, e.detail.reason));
 */
export interface GagPhoneEventDetails {
  /**
   * A call rings (`here`: in this tab): open the customer's record. The tab that takes a ringing
   * call over from another ("Answer here") fires it again with `here` true: it rings there now.
   */
  'gag-incoming': CallDetail;
  /** The call was answered (`here`: in this tab). */
  'gag-answered': CallDetail;
  /**
   * The call is over. A tab whose ringing call another tab took over does not fire it (the call
   * goes on there; this tab follows it, and fires `gag-answered` and `gag-ended` with `here` false).
   */
  'gag-ended': CallDetail & {
    /** Why it ended, e.g. `remote_hangup` or `answered_elsewhere`. */
    readonly reason: EndReason;
  };
  /** The caller pressed a key during the call (Asterisk's DTMF). */
  'gag-dtmf': {
    /** The call's id. */
    readonly callId: string;
    /** The key: 0–9, `*`, `#` or A–D. */
    readonly digit: string;
  };
  /** What the phone shows changed; `here`: the phone is in this tab (false: another tab's, as shown). */
  'gag-state': {
    /** What the phone shows now. */
    readonly state: PhoneView;
    /** Whether the phone is in this tab. */
    readonly here: boolean;
  };
  /**
   * Something failed; `message` is already in the phone's language and says what to do, `reason`
   * is the exact cause (also on the console, as a warning, once per error). Fires once
   * per error until it is over: a gateway that stays unreachable is one `gag-error`, not one per
   * retry; after the phone recovered (online again, a new call), the same failure fires again.
   */
  'gag-error': {
    /** The `GAG_*` code of the failure (see `GagErrorCode` in `@gag/sdk`), or `other` for an error that is not a `GagError`. */
    readonly code: string;
    /** What failed and what to do, in the phone's language. */
    readonly message: string;
    /**
     * The exact cause, in English, for the page's logs and the administrator (e.g. `token refused:
     * signature`); '' when there is none beyond `message`. Also written once to the console.
     */
    readonly reason: string;
    /** For a token the gateway refused: why (`signature`, `expired`, `not_yet_valid`, `claims`…). */
    readonly tokenRefusal?: string;
  };
}

/**
 * What the phone shows.
 * @example phone.addEventListener('gag-state', (e) => (badge.dataset.state = e.detail.state));
 */
export type PhoneView = 'offline' | 'connecting' | 'reconnecting' | 'online' | Exclude<CallState, 'routing' | 'ended'>;

/** Build one of our events. */
export function gagEvent<K extends keyof GagPhoneEventDetails>(type: K, detail: GagPhoneEventDetails[K]): CustomEvent<GagPhoneEventDetails[K]> {
  return new CustomEvent(type, { detail, bubbles: true, composed: true });
}

declare global {
  interface HTMLElementEventMap {
    'gag-incoming': CustomEvent<GagPhoneEventDetails['gag-incoming']>;
    'gag-answered': CustomEvent<GagPhoneEventDetails['gag-answered']>;
    'gag-ended': CustomEvent<GagPhoneEventDetails['gag-ended']>;
    'gag-dtmf': CustomEvent<GagPhoneEventDetails['gag-dtmf']>;
    'gag-state': CustomEvent<GagPhoneEventDetails['gag-state']>;
    'gag-error': CustomEvent<GagPhoneEventDetails['gag-error']>;
  }
}
