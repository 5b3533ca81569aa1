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
 * @example const client = new GagClient({ url: config.server, getToken: () => fetch(config.tokenUrl).then((r) => r.text()) });
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

/**
 * One `gag-*` event the page's phone dispatched (or `call-dtmf`: a key the caller pressed, from the SDK call).
 * @example const dtmf = (await phone.events()).filter((e: PhoneEvent) => e.type === 'gag-dtmf');
 */
export interface PhoneEvent {
  /** The event's name, e.g. `gag-incoming`. */
  readonly type: string;
  /** Its `detail`, as the page saw it. */
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
  __gagDocument?: string;
}

/** The events of the page's current document, and which document that is (a reload makes a new one). */
export interface ProbeRecord {
  readonly document: string;
  readonly events: PhoneEvent[];
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
  w.__gagDocument = `${performance.timeOrigin}:${Math.random()}`;
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

/** The events recorded so far in this document, in order. */
export function readEvents(): ProbeRecord {
  const w = window as unknown as ProbeWindow;
  return { document: w.__gagDocument ?? '', events: w.__gagEvents ?? [] };
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

/** Send DTMF in the phone's call, as `call.sendDtmf` (out of band through the gateway's AMI, or in-band tones). */
export function sendDtmf(element: Element, digits: string): void {
  const call = (element as PhoneElement).activeCall;
  if (call === undefined) throw new Error('the phone has no call');
  call.sendDtmf(digits);
}

/** The SDK client's connection state (`online`, `reconnecting`…), or undefined before it exists. */
export function readConnectionState(element: Element): string | undefined {
  return (element as PhoneElement).client?.state;
}

/**
 * What the page shows of its phone, for an error message when it does not come online: whether
 * `<gag-phone>` is there and defined (its script loaded), and the `gag-state` and `gag-error`
 * events it dispatched.
 */
export function describePhone(): string {
  const element = document.querySelector('gag-phone') as PhoneElement | null;
  const parts: string[] = [];
  if (element === null) parts.push('no <gag-phone> on the page');
  else if (customElements.get('gag-phone') === undefined) parts.push('<gag-phone> is not defined (did gag-phone.js load?)');
  else parts.push(`<gag-phone> connection ${element.client?.state ?? 'not started'}`);
  const events = (window as unknown as ProbeWindow).__gagEvents ?? [];
  const states = events.filter((e) => e.type === 'gag-state').map((e) => String(e.detail['state']));
  if (states.length > 0) parts.push(`gag-state ${states.join(' → ')}`);
  for (const e of events.filter((e) => e.type === 'gag-error')) parts.push(`gag-error ${JSON.stringify(e.detail)}`);
  return parts.join('; ');
}
