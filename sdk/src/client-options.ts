/**
 * The options of a {@link GagClient}, and their check at the constructor (house style §6).
 * @packageDocumentation
 */
import { GagError } from './errors.js';
import type { GagLogger } from './logger.js';
import { PHONE_PATH } from './protocol.js';
import type { ReconnectPolicy } from './reconnect-policy.js';

/**
 * Options of a {@link GagClient}.
 * @example
 * new GagClient({ url: 'wss://gw.example.com:8766', getToken: () => fetch('/gag-token').then((r) => r.text()), ringtone: false });
 */
export interface GagClientOptions {
  /**
   * The gateway, e.g. `wss://gw.example.com:8766` (the `/phone` path is added when missing); or
   * the nodes of a cluster (docs/cluster.md), tried in turn: after a drop or a failed attempt the
   * next one is used, so the phone moves to a live node when its node dies.
   */
  url: string | readonly string[];
  /** A token for this session; or use `getToken`. */
  token?: string;
  /** Fetches a fresh token for each connection attempt. */
  getToken?: () => Promise<string>;
  /** Microphone constraints for calls (a `deviceId` here picks the microphone; `call.setMicrophone()` overrides it). */
  microphone?: MediaTrackConstraints;
  /** Defaults to silence. */
  logger?: GagLogger;
  /** When to retry after the connection dropped (default: {@link DefaultReconnectPolicy}). */
  reconnectPolicy?: ReconnectPolicy;
  /**
   * Play the generated ringtone (see `RING_PATTERNS`) while a call rings here, until it is
   * answered or ends. Default true. Browsers may block it until the page was clicked: then the
   * client emits `audioBlocked`, and `unlockAudio()` from a click lets it sound.
   */
  ringtone?: boolean;
}

/**
 * The gateway's phone URL from the `url` option.
 * @throws GagError `GAG_OPTIONS_INVALID` when it is not a URL.
 * @internal
 */
export function phoneUrl(url: unknown): string {
  let u: URL;
  try {
    u = new URL(String(url));
  } catch {
    throw new GagError('GAG_OPTIONS_INVALID', `url: not a URL: ${String(url)} (e.g. wss://gw.example.com:8766)`);
  }
  if (u.pathname === '/' || u.pathname === '') u.pathname = PHONE_PATH;
  return u.toString();
}

/**
 * The phone URLs of the `url` option, one or a list.
 * @throws GagError `GAG_OPTIONS_INVALID` for an empty list or an entry that is not a URL.
 * @internal
 */
export function phoneUrls(url: unknown): string[] {
  if (!Array.isArray(url)) return [phoneUrl(url)];
  if (url.length === 0) throw new GagError('GAG_OPTIONS_INVALID', 'url: an empty list: give one gateway URL or the nodes of a cluster');
  return url.map((u) => phoneUrl(u));
}

/**
 * Check the options a client is constructed with.
 * @throws GagError `GAG_OPTIONS_INVALID` naming the option.
 * @internal
 */
export function checkClientOptions(options: GagClientOptions): void {
  if (options.token === undefined && options.getToken === undefined) {
    throw new GagError('GAG_OPTIONS_INVALID', 'token: give `token` or `getToken`');
  }
  if (options.getToken !== undefined && typeof options.getToken !== 'function') {
    throw new GagError('GAG_OPTIONS_INVALID', `getToken: must be a function returning a Promise<string>. Got ${typeof options.getToken}`);
  }
  if (options.ringtone !== undefined && typeof options.ringtone !== 'boolean') {
    throw new GagError('GAG_OPTIONS_INVALID', `ringtone: must be true or false. Got ${String(options.ringtone)}`);
  }
}
