/**
 * The browser globals the SDK client needs, installed in Node so that the client runs against a
 * real gateway (or the SDK's gateway stub) over real sockets: `WebSocket` (the `ws` client), a
 * `window` for `online`/`offline`, and a `navigator`.
 */
import { vi } from 'vitest';
import { WebSocket } from 'ws';

/** The browser window the client listens on for `online`/`offline`, with its listeners counted. */
export class FakeWindow extends EventTarget {
  readonly listeners = new Map<string, number>();
  override addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: AddEventListenerOptions | boolean): void {
    this.listeners.set(type, (this.listeners.get(type) ?? 0) + 1);
    super.addEventListener(type, listener, options);
  }
  override removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: EventListenerOptions | boolean): void {
    this.listeners.set(type, (this.listeners.get(type) ?? 0) - 1);
    super.removeEventListener(type, listener, options);
  }
  /** The browser's network changed: `navigator.onLine` and the event, as a browser does. */
  network(online: boolean, navigator: { onLine: boolean }): void {
    navigator.onLine = online;
    this.dispatchEvent(new Event(online ? 'online' : 'offline'));
  }
}

/**
 * Install the browser globals the client needs in Node: `WebSocket` (the `ws` client, a real
 * WebSocket), a `window` and a `navigator`. Undone by `vi.unstubAllGlobals()`.
 * @param options.origin the `Origin` every socket sends, as a page's would (the `ws` client sends
 * none unless told), for a gateway that checks `allowed_origins`.
 */
export function browserGlobals(options: { origin?: string } = {}): { window: FakeWindow; navigator: { onLine: boolean } } {
  const window = new FakeWindow();
  const navigator = { onLine: true };
  const { origin } = options;
  vi.stubGlobal(
    'WebSocket',
    origin === undefined
      ? WebSocket
      : class extends WebSocket {
          constructor(url: string, protocols: string[]) {
            super(url, protocols, { origin });
          }
        },
  );
  vi.stubGlobal('window', window);
  vi.stubGlobal('navigator', navigator);
  return { window, navigator };
}
