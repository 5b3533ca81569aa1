/**
 * What a {@link GagClient} tells its listeners: its connection state and why it closed.
 * @packageDocumentation
 */
import type { Call } from './call.js';

/**
 * Where the connection is.
 * @example client.on('state', (state: ConnectionState) => (dot.className = state));
 */
export type ConnectionState = 'offline' | 'connecting' | 'online' | 'reconnecting';

/**
 * Why the connection closed.
 * @example client.on('disconnected', ({ code, retry }) => { if (!retry) showSignedOut(code); });
 */
export interface Disconnect {
  /** The WebSocket close code (see `CLOSE` in `@gag/sdk/protocol`). */
  readonly code: number;
  /** The close reason the gateway gave, if any. */
  readonly reason: string;
  /** Whether the SDK reconnects after this close (see `CLOSE` in the protocol). */
  readonly retry: boolean;
}

/** Events of a {@link GagClient}. Every listener runs after the client's state is updated. @example client.on('incoming', (call) => ring(call)) */
export interface GagClientEvents {
  /** The connection state changed. @example client.on('state', (state) => (status.textContent = state)) */
  state: (state: ConnectionState) => void;
  /** Logged in: the gateway accepted the token (the connection is `online`). */
  connected: (info: { extension: string; sessionId: string }) => void;
  /** The connection closed; calls on it ended with `connection_lost`. `retry` says whether a reconnect follows. */
  disconnected: (info: Disconnect) => void;
  /**
   * A reconnect attempt is scheduled after `delayMs` (0 when the network just came back). While
   * the browser is offline no attempt is scheduled: the state stays `reconnecting` until `online`.
   */
  reconnecting: (info: { attempt: number; delayMs: number }) => void;
  /** A call is ringing here. */
  incoming: (call: Call) => void;
  /**
   * The browser did not let the ringtone play (no click on the page yet). Ask for a click and
   * call `unlockAudio()` from it. Fires at most once per ring.
   * @example client.on('audioBlocked', () => (soundButton.hidden = false))
   */
  audioBlocked: () => void;
  /**
   * The session's token expires at `expiresAt` (ms since the epoch, the gateway's clock): fires
   * once per token, 60 s ahead (at 90 % of the remaining lifetime for a shorter token). With
   * `getToken` the client fetches and sends a fresh token by itself; with a fixed `token`, give
   * it a fresh one with `client.updateToken(token)` before then, or the gateway ends the session
   * (close 4101) and the client reconnects with the token it has. Only from a gateway that
   * offers token refresh.
   * @example client.on('tokenWillExpire', async () => client.updateToken(await fetchToken()))
   */
  tokenWillExpire: (info: { expiresAt: number }) => void;
}
