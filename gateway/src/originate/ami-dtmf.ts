/**
 * Keypad digits to Asterisk over AMI: `Action: PlayDTMF` with the call's WebSocket channel,
 * `Digit`, `Duration` and `Receive: true`. chan_websocket has no DTMF command and no tone
 * detector, so this is how a key the browser pressed reaches `Read()`, an IVR or a SIP trunk.
 * With `Receive`, Asterisk (apps/app_senddtmf.c, `manager_play_dtmf`) queues the digit on the
 * channel as a DTMF frame it *received* there, so the bridged party gets it; without it the digit
 * would be sent out to the gateway as `DTMF_END`. The core (main/channel.c) plays a received end
 * as begin + end of `Duration` and holds back a digit that arrives while the previous one plays,
 * so digits sent one after another arrive whole and in order. Asterisk answers
 * `Response: Success` / `Message: DTMF successfully queued`, or `Response: Error` with
 * `Channel not found`; PlayDTMF needs the AMI user's `write = call` (manager.conf).
 * Verified on Asterisk 23.4.1: the digit reaches a `Read()` on the caller's side of the bridge.
 * @packageDocumentation
 */
import type { AmiClient, AmiFailure } from './ami-client.js';
import type { DtmfOutcome, DtmfSender } from './originator.js';

/** How long each digit lasts at Asterisk: as long as the SDK's in-band tones, over Asterisk's 80 ms minimum. */
export const PLAY_DTMF_DURATION_MS = 100;

const FAILURES: Readonly<Record<AmiFailure, string>> = {
  not_connected: 'the gateway is not connected to Asterisk\'s AMI',
  login_failed: 'Asterisk refused the gateway\'s AMI login',
  timeout: 'Asterisk did not answer PlayDTMF in time',
  connection_lost: 'the AMI connection was lost during PlayDTMF',
  unsendable: 'the channel name is not one line: PlayDTMF not sent',
};

/**
 * Presses keys on calls through the click-to-call backend's AMI connection.
 * @example
 * const dtmf = new AmiDtmf(client);
 * await dtmf.sendDtmf('WebSocket/ws-ext-2001/0x7f8368004e80', '5'); // { ok: true }
 */
export class AmiDtmf implements DtmfSender {
  readonly #client: AmiClient;

  constructor(client: AmiClient) {
    this.#client = client;
  }

  async sendDtmf(channel: string, digit: string): Promise<DtmfOutcome> {
    // The channel comes from Asterisk (MEDIA_START): the codec refuses a value that is not one line.
    const r = await this.#client.action([
      ['Action', 'PlayDTMF'],
      ['Channel', channel],
      ['Digit', digit],
      ['Duration', String(PLAY_DTMF_DURATION_MS)],
      ['Receive', 'true'],
    ]);
    if (!r.ok) return { ok: false, detail: FAILURES[r.failure] };
    if (r.response.get('Response')?.toLowerCase() === 'success') return { ok: true };
    const message = r.response.get('Message') ?? 'no message';
    const hint = /permission denied/i.test(message) ? ' (manager.conf: the AMI user needs write = call)' : '';
    return { ok: false, detail: `Asterisk refused PlayDTMF: ${message}${hint}` };
  }
}
