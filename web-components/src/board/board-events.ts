/**
 * The DOM events `<gag-board>` dispatches besides `<gag-phone>`'s `gag-error`: `gag-supervise`
 * when the supervisor joins a call, switches mode or leaves.
 * @packageDocumentation
 */
import type { SuperviseMode, SupervisionEndReason } from '@gag/sdk/supervisor';

/**
 * `detail` of each `<gag-board>` event.
 * @example board.addEventListener('gag-supervise', (e) => log(e.detail.callId, e.detail.mode));
 */
export interface GagBoardEventDetails {
  /** The supervisor joined a call, switched mode, or is out of it (`mode` null, with `reason`). */
  'gag-supervise': {
    /** The call's id, as on the board and in the gateway's logs. */
    readonly callId: string;
    /** `listen`, `whisper` or `barge`; null once out of the call. */
    readonly mode: SuperviseMode | null;
    /** Why it is out of the call (`left`, `call_ended`, `not_allowed`, `connection_lost`), with `mode` null. */
    readonly reason?: SupervisionEndReason;
  };
}

/**
 * A `gag-*` event of the board: bubbles out of its shadow root.
 * @example this.dispatchEvent(boardEvent('gag-supervise', { callId, mode: 'listen' }));
 */
export const boardEvent = <K extends keyof GagBoardEventDetails>(type: K, detail: GagBoardEventDetails[K]): CustomEvent<GagBoardEventDetails[K]> =>
  new CustomEvent(type, { detail, bubbles: true, composed: true });

declare global {
  interface HTMLElementEventMap {
    'gag-supervise': CustomEvent<GagBoardEventDetails['gag-supervise']>;
  }
}
