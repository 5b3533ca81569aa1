/**
 * Click-to-call over AMI: `Action: Originate` with `Channel`, `Context`, `Exten`, `Priority`,
 * `CallerID`, `Timeout`, `Variable` and `Async: true` (docs/click-to-call.md#how-a-click-to-call-goes).
 * Asterisk answers `Response: Success` once the originate is queued; the `OriginateResponse`
 * event with the same ActionID follows when the user's channel answered or failed.
 * @packageDocumentation
 */
import type { Logger } from '../log.js';
import type { AmiMessage } from './ami-codec.js';
import { AmiClient, type AmiClientOptions, type AmiFailure } from './ami-client.js';
import { AmiDtmf } from './ami-dtmf.js';
import { DIAL_ID_VARIABLE_SET, type OriginateRequest, type OriginateResult, type Originator } from './originator.js';

/** ActionIDs of originates carry the dial id, so the late `OriginateResponse` needs no table. */
const ORIGINATE_ACTION_PREFIX = 'gag-dial-';

/** OriginateResponse `Reason` values (Asterisk's AST_CONTROL_* of the outcome), for people. */
const REASONS: Readonly<Record<string, string>> = {
  '0': 'the channel could not be created',
  '1': 'the user\'s channel hung up',
  '3': 'the user\'s phone did not answer',
  '4': 'answered',
  '5': 'the user\'s phone is busy',
  '8': 'the user\'s channel is congested',
};

const FAILURES: Readonly<Record<AmiFailure, OriginateResult>> = {
  not_connected: { ok: false, code: 'asterisk_unreachable', detail: 'the gateway is not connected to Asterisk\'s AMI' },
  login_failed: { ok: false, code: 'asterisk_login_failed', detail: 'Asterisk refused the gateway\'s AMI login' },
  timeout: { ok: false, code: 'asterisk_unreachable', detail: 'Asterisk did not answer the originate in time' },
  connection_lost: { ok: false, code: 'asterisk_unreachable', detail: 'the AMI connection was lost during the originate' },
  unsendable: { ok: false, code: 'originate_failed', detail: 'the gateway could not write the originate (see its log)' },
};

/** Where the AMI is and as whom to log in (from `ami_*` in the config); the client's timing stays at its defaults. */
export type AmiOriginatorOptions = Pick<AmiClientOptions, 'host' | 'port' | 'username' | 'secret' | 'log' | 'policy'>;

/**
 * The AMI backend.
 * @example
 * const ami = new AmiOriginator({ host: '127.0.0.1', port: 5038, username: 'gag', secret, log });
 * ami.start();
 * await ami.originate({ dialId, channel: 'Local/2001@inhouse', context: 'outgoing', exten: '0312345678', callerId: undefined, timeoutMs: 60_000 });
 */
export class AmiOriginator implements Originator {
  readonly backend = 'ami';
  onLateFailure: ((dialId: string, detail: string) => void) | undefined;
  /** Keypad digits on calls, over the same AMI connection (`PlayDTMF`). */
  readonly dtmf: AmiDtmf;
  readonly #client: AmiClient;
  readonly #log: Logger;

  constructor(options: AmiOriginatorOptions) {
    this.#log = options.log.child({ backend: 'ami' });
    this.#client = new AmiClient({ ...options, log: this.#log });
    this.#client.on('event', (event) => this.#onEvent(event));
    this.dtmf = new AmiDtmf(this.#client);
  }

  /** The AMI connection's state (for tests and `/readyz`). */
  get state(): AmiClient['state'] {
    return this.#client.state;
  }

  start(): void {
    this.#client.start();
  }

  async originate(request: OriginateRequest): Promise<OriginateResult> {
    const lines: Array<readonly [string, string]> = [
      ['Action', 'Originate'],
      ['Channel', request.channel],
      ['Context', request.context],
      ['Exten', request.exten],
      ['Priority', '1'],
      ['Timeout', String(request.timeoutMs)],
      ['Variable', `${DIAL_ID_VARIABLE_SET}=${request.dialId}`],
      ['Async', 'true'],
    ];
    if (request.callerId !== undefined) lines.push(['CallerID', request.callerId]);
    const r = await this.#client.action(lines, `${ORIGINATE_ACTION_PREFIX}${request.dialId}`);
    if (!r.ok) return FAILURES[r.failure];
    if (r.response.get('Response')?.toLowerCase() === 'success') return { ok: true };
    const message = r.response.get('Message') ?? 'no message';
    return { ok: false, code: 'originate_failed', detail: `Asterisk refused the originate: ${message}` };
  }

  isReady(): Promise<boolean> {
    return Promise.resolve(this.#client.state === 'ready');
  }

  close(): Promise<void> {
    return this.#client.close();
  }

  #onEvent(event: AmiMessage): void {
    if (event.get('Event')?.toLowerCase() !== 'originateresponse') return;
    const actionId = event.get('ActionID') ?? '';
    if (!actionId.startsWith(ORIGINATE_ACTION_PREFIX)) return;
    const dialId = actionId.slice(ORIGINATE_ACTION_PREFIX.length);
    const response = event.get('Response') ?? '';
    const reason = event.get('Reason') ?? '';
    this.#log.debug({ dialId, response, reason }, 'originate response');
    if (response.toLowerCase() !== 'failure') return;
    this.onLateFailure?.(dialId, `the call back failed: ${REASONS[reason] ?? `reason ${reason}`}`);
  }
}
