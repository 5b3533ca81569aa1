/**
 * `Action: PlayDTMF` as Asterisk 23 answers it (apps/app_senddtmf.c, `manager_play_dtmf`): the
 * channel is looked up by name first (`Channel not found`), then `Digit` must be there (`No digit
 * specified`, only its first character counts) and `Duration` a number (`Could not convert Duration
 * parameter`). With `Receive` true the digit is queued on the channel as received there: the fake
 * call records it (`dtmfReceived`, the `dtmf` event), as the bridged caller or a `Read()` would get
 * it. Otherwise it is sent out of the channel: chan_websocket tells the app with `DTMF_END`.
 * Either way the answer is `Success` / `DTMF successfully queued`.
 * @packageDocumentation
 */
import { channelByName } from '../fake-asterisk/channels.js';

/** What `ast_true()` reads as yes. */
const AST_TRUE = /^(yes|true|y|t|1|on)$/i;
/** `sscanf("%30u")` reads a number from the start, after blanks. */
const UNSIGNED = /^\s*[+-]?\d/;
const DTMF_DIGIT = /^[0-9A-D*#]$/;

/**
 * Play one PlayDTMF action on the fake Asterisk's channels; returns the response's lines.
 * @example playDtmf((key) => ({ Channel: call.channel, Digit: '5', Receive: 'true' })[key]) // [['Response', 'Success'], …]
 */
export function playDtmf(get: (key: string) => string | undefined): Array<readonly [string, string]> {
  const error = (message: string): Array<readonly [string, string]> => [['Response', 'Error'], ['Message', message]];
  const call = channelByName(get('Channel') ?? '');
  if (call === undefined || call.state === 'ended') return error('Channel not found');
  const digit = (get('Digit') ?? '').charAt(0);
  if (digit === '') return error('No digit specified');
  const duration = get('Duration') ?? '';
  if (duration !== '' && !UNSIGNED.test(duration)) return error('Could not convert Duration parameter');
  if (AST_TRUE.test(get('Receive') ?? '')) call.receiveDtmf(digit);
  else if (DTMF_DIGIT.test(digit)) call.sendDtmf(digit); // chan_websocket's DTMF_END carries DTMF digits only
  return [['Response', 'Success'], ['Message', 'DTMF successfully queued']];
}
