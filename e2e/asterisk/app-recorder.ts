/**
 * A chan_websocket application that only watches: it accepts each call's WebSocket, answers it,
 * and writes down what arrived — the handshake, MEDIA_START's fields and variable names, the
 * events in order, the audio frame sizes, who closed and with which code — in a form that two
 * Asterisks (the real one and our fake) can be compared by. Values that differ per run (channel
 * pointers, unique ids) are replaced by their shape.
 * @packageDocumentation
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/** When the recorder ends a call with HANGUP; otherwise it waits for Asterisk to close. */
export type EndRule = { readonly afterFrames: number } | { readonly afterDtmf: number } | 'wait';

/** What one call showed the application. */
export interface Transcript {
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly subprotocols: string | undefined;
  readonly basicAuth: boolean;
  readonly origin: boolean;
  /** MEDIA_START's fields, `channel` and `channel_id` as their shapes, variables by name only. */
  readonly start: Readonly<Record<string, unknown>>;
  /** Text messages after MEDIA_START, as `EVENT` or `DTMF_END:<digit>`. */
  readonly events: readonly string[];
  /** The distinct sizes of the binary frames received. */
  readonly frameBytes: readonly number[];
  readonly closedBy: 'asterisk' | 'app';
  readonly closeCode: number;
}

function shapeOf(key: string, value: unknown): unknown {
  if (key === 'channel' && typeof value === 'string') return value.replace(/\/0x[0-9a-f]+$/, '/0x…');
  if (key === 'channel_id' && typeof value === 'string') return /^\d+\.\d+$/.test(value) ? '<seconds>.<counter>' : value;
  if (key === 'channel_variables' && typeof value === 'object' && value !== null) return Object.keys(value).sort();
  return value;
}

/** MEDIA_START in either format as `{ key: value }`, numbers as numbers. */
function mediaStart(text: string): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  if (text.startsWith('{')) {
    for (const [key, value] of Object.entries(JSON.parse(text) as Record<string, unknown>)) fields[key] = shapeOf(key, value);
    fields['(format)'] = 'json';
  } else {
    for (const part of text.trim().split(/\s+/).slice(1)) {
      const colon = part.indexOf(':');
      const key = part.slice(0, colon);
      const value = part.slice(colon + 1);
      fields[key] = shapeOf(key, /^\d+$/.test(value) && key !== 'channel_id' ? Number(value) : value);
    }
    fields['event'] = 'MEDIA_START';
    fields['(format)'] = 'text';
  }
  return fields;
}

function eventOf(text: string): string {
  if (text.startsWith('{')) {
    const json = JSON.parse(text) as { event?: string; digit?: string };
    return json.event === 'DTMF_END' ? `DTMF_END:${json.digit ?? ''}` : String(json.event);
  }
  const [name = '', ...rest] = text.trim().split(/\s+/);
  const digit = rest.find((p) => p.startsWith('digit:'))?.slice('digit:'.length);
  return name === 'DTMF_END' ? `DTMF_END:${digit ?? ''}` : name;
}

/**
 * The recorder: `next(rule)` says how the next call is to end, and resolves with its transcript.
 * @example
 * const recorder = await AppRecorder.start();
 * const call = recorder.next({ afterFrames: 10 });
 * // …make Asterisk dial recorder.url…
 * console.log(await call.done);
 */
export class AppRecorder {
  readonly #wss: WebSocketServer;
  #pending: { rule: EndRule; started: () => void; resolve: (t: Transcript) => void } | undefined;

  private constructor(wss: WebSocketServer) {
    this.#wss = wss;
    wss.on('connection', (ws, req) => {
      const pending = this.#pending;
      this.#pending = undefined;
      if (pending === undefined) {
        ws.close(1011, 'no call expected');
        return;
      }
      const url = new URL(req.url ?? '/', 'ws://recorder');
      this.#record(ws, pending.rule, pending.started, {
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        subprotocols: req.headers['sec-websocket-protocol'],
        basicAuth: (req.headers.authorization ?? '').startsWith('Basic '),
        origin: req.headers.origin !== undefined,
      }).then(pending.resolve, () => undefined);
    });
  }

  static async start(): Promise<AppRecorder> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: (p) => (p.has('media') ? 'media' : false) });
    await once(wss, 'listening');
    return new AppRecorder(wss);
  }

  get port(): number {
    return (this.#wss.address() as AddressInfo).port;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  /** The next call to arrive, ended by `rule`: `started` once its MEDIA_START is in, `done` with its transcript. */
  next(rule: EndRule): { readonly started: Promise<void>; readonly done: Promise<Transcript> } {
    let started = (): void => undefined;
    const startedP = new Promise<void>((resolve) => {
      started = resolve;
    });
    const done = new Promise<Transcript>((resolve) => {
      this.#pending = { rule, started, resolve };
    });
    return { started: startedP, done };
  }

  async #record(ws: WebSocket, rule: EndRule, started: () => void, handshake: Pick<Transcript, 'path' | 'query' | 'subprotocols' | 'basicAuth' | 'origin'>): Promise<Transcript> {
    let start: Record<string, unknown> = {};
    let json = false;
    const events: string[] = [];
    const sizes = new Set<number>();
    let frames = 0;
    let closedBy: Transcript['closedBy'] = 'asterisk';
    const hangup = (): void => {
      if (closedBy === 'app') return;
      closedBy = 'app';
      ws.send(json ? JSON.stringify({ command: 'HANGUP' }) : 'HANGUP');
    };
    ws.on('message', (data: Buffer, binary) => {
      if (binary) {
        sizes.add(data.length);
        if (typeof rule === 'object' && 'afterFrames' in rule && ++frames === rule.afterFrames) hangup();
        return;
      }
      const text = data.toString('utf8');
      if (text.includes('MEDIA_START')) {
        start = mediaStart(text);
        json = start['(format)'] === 'json';
        ws.send(json ? JSON.stringify({ command: 'ANSWER' }) : 'ANSWER');
        started();
        return;
      }
      events.push(eventOf(text));
      if (typeof rule === 'object' && 'afterDtmf' in rule && events.filter((e) => e.startsWith('DTMF_END')).length === rule.afterDtmf) hangup();
    });
    const [code] = (await once(ws, 'close')) as [number];
    return { ...handshake, start, events, frameBytes: [...sizes].sort((a, b) => a - b), closedBy, closeCode: code };
  }

  async close(): Promise<void> {
    for (const ws of this.#wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }
}
