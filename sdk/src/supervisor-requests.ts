/**
 * A supervisor's requests in flight (`board`, `supervise`, `unsupervise`) and the answers that
 * settle them. The protocol has no request ids: an answer is matched by its request and call id
 * (`supervising` with the mode asked, `supervise_ended` for a leave, `board_synced` for a watch,
 * `supervisor_refused` naming the request), oldest first.
 * @packageDocumentation
 * @internal
 */
import { GagError } from './errors.js';
import type { SupervisorServerMessage } from './supervisor-link.js';
import { SUPERVISE_TIMEOUT_MS, SupervisorRefusedError } from './supervisor-errors.js';

/** What a request waits for. */
export interface Awaited {
  readonly request: 'board' | 'supervise' | 'unsupervise';
  readonly callId?: string | undefined;
  /** Whether `message` is this request's success. */
  readonly done: (message: SupervisorServerMessage) => boolean;
}

interface Pending<T> extends Awaited {
  readonly resolve: (message: T) => void;
  readonly reject: (error: GagError) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

/**
 * The requests of one supervisor port, oldest first.
 * @example
 * const answer = requests.wait({ request: 'unsupervise', callId, done: (m) => m.type === 'supervise_ended' && m.callId === callId });
 * link.send({ type: 'unsupervise', callId });
 * await answer;
 */
export class SupervisorRequests {
  readonly #pending: Array<Pending<SupervisorServerMessage>> = [];

  /** Wait for `awaited`'s answer: resolves with the message, rejects with a refusal, a timeout or a close. */
  wait(awaited: Awaited): Promise<SupervisorServerMessage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.#settle(pending, new GagError('GAG_NOT_CONNECTED', `no answer from the gateway to ${awaited.request}`)), SUPERVISE_TIMEOUT_MS);
      const pending: Pending<SupervisorServerMessage> = { ...awaited, resolve, reject, timer };
      this.#pending.push(pending);
    });
  }

  /** A message from the gateway: settles the oldest request it answers; false when it answered none. */
  answer(message: SupervisorServerMessage): boolean {
    const refused = message.type === 'supervisor_refused' ? message : undefined;
    const pending = this.#pending.find((p) =>
      refused === undefined ? p.done(message) : p.request === refused.request && (refused.callId === undefined || p.callId === refused.callId),
    );
    if (pending === undefined) return false;
    this.#settle(pending, refused === undefined ? message : new SupervisorRefusedError(refused));
    return true;
  }

  /** The connection closed (or the board was disposed): every request fails with `GAG_NOT_CONNECTED`. */
  cancelAll(why: string): void {
    for (const p of [...this.#pending]) this.#settle(p, new GagError('GAG_NOT_CONNECTED', why));
  }

  #settle(pending: Pending<SupervisorServerMessage>, outcome: SupervisorServerMessage | GagError): void {
    const i = this.#pending.indexOf(pending);
    if (i < 0) return;
    this.#pending.splice(i, 1);
    clearTimeout(pending.timer);
    if (outcome instanceof GagError) pending.reject(outcome);
    else pending.resolve(outcome);
  }
}
