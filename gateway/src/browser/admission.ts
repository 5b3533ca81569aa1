/**
 * Connection limits of the browser endpoint (issue 15): connections that have not logged in yet
 * (in total and per address), and logged-in sessions per extension and per token. Each open
 * socket holds a file descriptor, so without limits a peer that opens sockets and never logs in
 * could use up the process's fd limit and leave Asterisk's next call unanswered. The numbers
 * come from the config and are read at each check, so a reload applies to the next connection.
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';
import type { GatewayConfig } from '../config/schema.js';

/** Which limit refused a connection: the `reason` label of `gag_connections_refused_total`. */
export type ConnectionLimit = 'pending_total' | 'pending_per_ip' | 'sessions_per_extension' | 'sessions_per_token';
/** Every {@link ConnectionLimit}, for metrics that start each at 0. */
export const CONNECTION_LIMITS: readonly ConnectionLimit[] = ['pending_total', 'pending_per_ip', 'sessions_per_extension', 'sessions_per_token'];

/** The config keys the limits come from. */
export type LimitsConfig = Pick<GatewayConfig, 'max_pending_connections' | 'max_pending_per_ip' | 'max_sessions_per_extension' | 'max_sessions_per_token'>;

/** A place taken: call it when the connection logs in or closes (again: no effect). */
export type Release = () => void;

/**
 * Counts connections before login and sessions by token; the sessions of an extension are counted
 * by the caller (the registry knows them).
 * @example
 * const admission = new Admission(() => config);
 * const taken = admission.admitPending(ip);
 * if (!taken.ok) return refuseUpgrade(socket, taken.limit === 'pending_total' ? 503 : 429, '…');
 * session.once('ready', taken.release).once('closed', taken.release);
 */
export class Admission {
  readonly #limits: () => LimitsConfig;
  #pending = 0;
  readonly #pendingByIp = new Map<string, number>();
  /** Sessions by the SHA-256 of their token (the token itself is kept nowhere). */
  readonly #sessionsByToken = new Map<string, number>();

  constructor(limits: () => LimitsConfig) {
    this.#limits = limits;
  }

  /** Connections not logged in yet. */
  get pending(): number {
    return this.#pending;
  }

  /** Take a place for a connection from `ip` that has not logged in yet, or say which limit refuses it. */
  admitPending(ip: string | undefined): { readonly ok: true; readonly release: Release } | { readonly ok: false; readonly limit: ConnectionLimit } {
    const limits = this.#limits();
    const key = ip ?? '';
    const fromIp = this.#pendingByIp.get(key) ?? 0;
    if (this.#pending >= limits.max_pending_connections) return { ok: false, limit: 'pending_total' };
    if (fromIp >= limits.max_pending_per_ip) return { ok: false, limit: 'pending_per_ip' };
    this.#pending++;
    this.#pendingByIp.set(key, fromIp + 1);
    return { ok: true, release: once(() => this.#leave(this.#pendingByIp, key, () => this.#pending--)) };
  }

  /**
   * Take a place for a session logging in with `token` for an extension that has `online`
   * sessions already, or say which limit refuses it.
   */
  admitSession(token: string, online: number): { readonly ok: true; readonly release: Release } | { readonly ok: false; readonly limit: ConnectionLimit } {
    const limits = this.#limits();
    if (online >= limits.max_sessions_per_extension) return { ok: false, limit: 'sessions_per_extension' };
    const key = createHash('sha256').update(token).digest('base64');
    const held = this.#sessionsByToken.get(key) ?? 0;
    if (held >= limits.max_sessions_per_token) return { ok: false, limit: 'sessions_per_token' };
    this.#sessionsByToken.set(key, held + 1);
    return { ok: true, release: once(() => this.#leave(this.#sessionsByToken, key)) };
  }

  #leave(counts: Map<string, number>, key: string, also?: () => void): void {
    also?.();
    const left = (counts.get(key) ?? 1) - 1;
    if (left <= 0) counts.delete(key);
    else counts.set(key, left);
  }
}

function once(fn: () => void): Release {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}
