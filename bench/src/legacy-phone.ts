/**
 * A browser of GoAstGateway's protocol for load, on `ws` (docs/legacy-protocol.md): the token in
 * `?token=` of the upgrade to `/phone`, no subprotocol, words as TEXT (`RINGING` in, `ANSWER` out)
 * and slin16 audio as BINARY. The bare relay speaks only this; our gateway speaks it too.
 * @packageDocumentation
 */
import { WebSocket, type RawData } from 'ws';
import { PHONE_PATH } from '@gag/sdk/protocol';
import { deadline, opened } from './bounded.js';
import { sendAudioBounded } from './generator-send.js';


export class LegacyPhone {
  readonly ws: WebSocket;
  /** A BINARY message from the gateway (set by the benchmark). */
  onAudio: (frames: Buffer) => void = () => {};
  errors = 0;
  /** When each `RINGING` not yet taken arrived (performance.now()). */
  readonly #rings: number[] = [];
  #onRing: (() => void) | undefined;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('error', () => this.errors++);
    ws.on('message', (data: RawData, isBinary) => {
      if (isBinary) return this.onAudio(data as Buffer);
      if ((data as Buffer).toString('utf8') !== 'RINGING') return;
      this.#rings.push(performance.now());
      this.#onRing?.();
    });
  }

  /** Upgrade with the token in the query, as GoAstGateway's webphone does; resolves once open. */
  static async login(browserUrl: string, origin: string, token: string, timeoutMs: number, ca?: Buffer): Promise<LegacyPhone> {
    const url = `${browserUrl}${PHONE_PATH}?token=${encodeURIComponent(token)}`;
    const ws = new WebSocket(url, { origin, perMessageDeflate: false, handshakeTimeout: timeoutMs, ...(ca && { ca }) });
    const phone = new LegacyPhone(ws);
    await opened(ws, timeoutMs, 'legacy upgrade');
    return phone;
  }

  /** The next `RINGING` (or one already received and not yet taken), resolved with its arrival time. */
  async nextRing(timeoutMs: number): Promise<number> {
    if (this.#rings.length === 0) await deadline(new Promise<void>((resolve) => (this.#onRing = resolve)), timeoutMs, "'RINGING' at the legacy phone");
    this.#onRing = undefined;
    return this.#rings.shift()!;
  }

  answer(): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send('ANSWER');
  }

  /** Audio towards the gateway; false (not sent) when the socket is not open or backed up. */
  sendAudio(frames: Buffer): boolean {
    return sendAudioBounded(this.ws, frames);
  }

  close(): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(1000);
  }

  terminate(): void {
    this.ws.terminate();
  }
}
