/// <reference lib="dom" />
/**
 * What the fixtures run inside the page under test. Each function here is sent to the browser
 * as source (`addInitScript`, `evaluate`), so it is self-contained: no imports, no closures.
 * DOM types are referenced for this file's sake only; the rest of the library runs in Node.
 * @packageDocumentation
 */

/**
 * What the fixtures tell the page under test, as `window.gagConfig` (set before the page's own
 * scripts run) and as the query parameters `server`, `ext` and `token-url`.
 */
export interface GagPageConfig {
  /** The gateway, e.g. `ws://localhost:41235`: `<gag-phone server>`, `new GagClient({ url })`. */
  readonly server: string;
  /** The extension the tokens are for. */
  readonly extension: string;
  /** GET answers a fresh token as text: `getToken: () => fetch(tokenUrl).then((r) => r.text())`. */
  readonly tokenUrl: string;
  /** A token for the extension, valid for 10 minutes, for pages that take a fixed one. */
  readonly token: string;
}

/** One `gag-*` event the page's phone dispatched (or `call-dtmf`: a key the caller pressed, from the SDK call). */
export interface PhoneEvent {
  readonly type: string;
  readonly detail: Readonly<Record<string, unknown>>;
}

/** The `gag-*` events recorded. */
export const PHONE_EVENTS = ['gag-incoming', 'gag-answered', 'gag-ended', 'gag-state', 'gag-error', 'gag-dtmf'] as const;

/** What the fixtures use of `<gag-phone>`: its public `client` and `activeCall` (SDK objects). */
interface PhoneElement extends HTMLElement {
  readonly client?: { readonly state: string };
  readonly activeCall?: {
    readonly audio?: { readonly diagnostics: { readonly playback: AnalyserNode }; readonly sampleRateHz: number };
    sendDtmf(digits: string): void;
    on(event: 'dtmf', listener: (digit: string) => void): void;
  };
}

interface ProbeWindow {
  gagConfig?: GagPageConfig;
  __gagEvents?: PhoneEvent[];
}

/**
 * Before any script of the page: `window.gagConfig`, and a record of every `gag-*` event that
 * bubbles to the document, plus the keys the caller presses in each call (the SDK call's `dtmf`).
 */
export function installProbe(args: { config: GagPageConfig; types: readonly string[] }): void {
  const w = window as unknown as ProbeWindow;
  w.gagConfig = Object.freeze({ ...args.config });
  const seen: PhoneEvent[] = [];
  w.__gagEvents = seen;
  for (const type of args.types) {
    document.addEventListener(type, (event) => {
      const detail = (event as CustomEvent<unknown>).detail;
      seen.push({ type, detail: typeof detail === 'object' && detail !== null ? { ...detail } : {} });
      if (type !== 'gag-incoming') return;
      // The composed event is retargeted to the <gag-phone> host, which holds the call now.
      const call = (event.target as PhoneElement | null)?.activeCall;
      call?.on('dtmf', (digit) => seen.push({ type: 'call-dtmf', detail: { digit } }));
    });
  }
}

/** The events recorded so far, in order. */
export function readEvents(): PhoneEvent[] {
  return (window as unknown as ProbeWindow).__gagEvents ?? [];
}

/** What the phone is playing out right now, from the SDK's playback tap (an AnalyserNode). */
export function readPlayback(element: Element): { samples: number[]; rateHz: number } {
  const audio = (element as PhoneElement).activeCall?.audio;
  if (audio === undefined) throw new Error('the phone has no call audio');
  const analyser = audio.diagnostics.playback;
  const buffer = new Float32Array(analyser.fftSize);
  analyser.getFloatTimeDomainData(buffer);
  return { samples: Array.from(buffer), rateHz: audio.sampleRateHz };
}

/** Send DTMF in the phone's call, as `call.sendDtmf` (in-band tones towards Asterisk). */
export function sendDtmf(element: Element, digits: string): void {
  const call = (element as PhoneElement).activeCall;
  if (call === undefined) throw new Error('the phone has no call');
  call.sendDtmf(digits);
}

/** The SDK client's connection state (`online`, `reconnecting`…), or undefined before it exists. */
export function readConnectionState(element: Element): string | undefined {
  return (element as PhoneElement).client?.state;
}
