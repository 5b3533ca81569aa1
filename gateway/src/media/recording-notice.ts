/**
 * The agent's word that its call is recorded (issue 20): the `recording` notice of `gag.v1`
 * (docs/protocol.md#call-notices), sent to the phone that answered the call, and only to one that
 * listed `call_notices` in `hello.features` (an older SDK closes on a message it does not know).
 * @packageDocumentation
 */
import type { RecordingState } from '@gag/sdk/protocol';
import { sendCallNotice } from '../browser/phone.js';
import type { Call } from '../calls/call.js';

/**
 * Tell the agent of `call` that its recording is now `state`. Nothing is sent once the call has
 * ended (its `ended` says it all) or to a phone that did not ask for call notices.
 * @example tellRecordingState(call, 'paused');
 */
export function tellRecordingState(call: Call, state: RecordingState): void {
  if (call.state === 'talking') sendCallNotice(call.talkingWith, { type: 'recording', callId: call.id, state });
}
