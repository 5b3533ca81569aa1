/**
 * A GoAstGateway demo webphone for gateway tests (docs/legacy-protocol.md): a real ws client on
 * loopback that connects to `/phone?token=…` without a subprotocol, records every TEXT word and
 * BINARY frame, and speaks the same words. Also: what a refused upgrade answers.
 */
import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { FRAME_BYTES } from '@gag/sdk/protocol';
import { floatToS16le, sineFloat } from '@gag/e2e/tones';
import { TEST_ORIGIN } from '@gag/testkit/phone';

/** Where to connect and as whom; `origin: null` sends no Origin header. */
export interface LegacyConnectOptions {
  readonly token?: string | undefined;
  readonly origin?: string | null;
  /** Answer pings (default); false plays a half-open peer. */
  readonly autoPong?: boolean;
}

function legacyUrl(browserUrl: string, token: string | undefined): string {
  return token === undefined ? `${browserUrl}/phone` : `${browserUrl}/phone?token=${encodeURIComponent(token)}`;
}

function openSocket(browserUrl: string, options: LegacyConnectOptions): WebSocket {
  const origin = options.origin === undefined ? TEST_ORIGIN : options.origin;
  // No subprotocol, as WebPhone.js: `new WebSocket(url)`.
  const autoPong = options.autoPong ?? true;
  return new WebSocket(legacyUrl(browserUrl, options.token), origin === null ? { autoPong } : { origin, autoPong });
}

export class LegacyTestPhone {
  /** TEXT words received and not yet taken by {@link next}. */
  readonly words: string[] = [];
  readonly audio: Buffer[] = [];
  readonly ws: WebSocket;
  readonly closed: Promise<{ code: number; reason: string }>;
  #waiters: Array<{ word: string; resolve: () => void }> = [];

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data, isBinary) => {
      if (isBinary) return void this.audio.push(data as Buffer);
      const word = (data as Buffer).toString('utf8');
      const waiter = this.#waiters.find((w) => w.word === word);
      if (waiter === undefined) return void this.words.push(word);
      this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
      waiter.resolve();
    });
    this.closed = once(ws, 'close').then(([code, reason]) => ({ code: code as number, reason: String(reason) }));
    this.closed.catch(() => undefined);
  }

  /** Connect; resolves once the upgrade succeeded. */
  static async connect(browserUrl: string, options: LegacyConnectOptions): Promise<LegacyTestPhone> {
    const phone = new LegacyTestPhone(openSocket(browserUrl, options));
    await once(phone.ws, 'open', { signal: AbortSignal.timeout(2_000) });
    return phone;
  }

  /** The next (or an already received, not yet taken) TEXT message `word`. */
  next(word: string, timeoutMs = 2_000): Promise<void> {
    const seen = this.words.indexOf(word);
    if (seen !== -1) {
      this.words.splice(seen, 1);
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${word} within ${timeoutMs} ms (got ${JSON.stringify(this.words)})`)), timeoutMs);
      this.#waiters.push({ word, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }

  send(word: string): void {
    this.ws.send(word);
  }

  /**
   * Send `frames` frames of a sine, as the webphone does, but cut into BINARY messages of
   * `messageBytes` (the last one shorter). Returns the bytes sent.
   */
  sendTone(hz: number, frames: number, messageBytes = FRAME_BYTES): Buffer {
    const bytes = floatToS16le(sineFloat(hz, 16_000, frames * (FRAME_BYTES / 2), 0.5));
    for (let at = 0; at < bytes.length; at += messageBytes) this.ws.send(bytes.subarray(at, at + messageBytes));
    return bytes;
  }

  close(): void {
    this.ws.terminate();
  }
}

/** What a refused upgrade answered: its HTTP status and one-line body. */
export async function legacyRefusal(browserUrl: string, options: LegacyConnectOptions): Promise<{ status: number; body: string }> {
  const ws = openSocket(browserUrl, options);
  ws.on('error', () => undefined); // ws reports the aborted handshake after the response
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no HTTP response within 2000 ms')), 2_000);
    ws.once('unexpected-response', (_req, response) => (clearTimeout(timer), resolve(response)));
    ws.once('open', () => (clearTimeout(timer), ws.terminate(), reject(new Error('the upgrade was accepted'))));
  });
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  ws.terminate();
  return { status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8').trim() };
}
