/**
 * A minimal chan_websocket client for load: one WebSocket per call with subprotocol `media` and
 * no Origin, the exact plain-text MEDIA_START of the e2e fake (`asteriskControl.mediaStartMessage`),
 * ANSWER starts media, HANGUP makes "Asterisk" close with 1000 (docs/chan-websocket.md#ending).
 * Unlike the e2e FakeCall it owns no timer: the bench's one {@link FrameClock} paces
 * every call, and frames are sent by the caller through {@link AsteriskCall.sendAudio}.
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto';
import { WebSocket, type RawData } from 'ws';
import { FRAME_BYTES, FRAME_MS, MAX_ASTERISK_MESSAGE_BYTES } from '@gag/sdk/protocol';
import { asteriskControl, MEDIA_SUBPROTOCOL } from '@gag/e2e';
import { opened } from './bounded.js';
import { sendAudioBounded } from './generator-send.js';

const startS = Math.floor(Date.now() / 1000);
let channelCounter = 0;

export class AsteriskCall {
  readonly ws: WebSocket;
  readonly connectionId: string;
  readonly closed: Promise<number>;
  /** performance.now() when MEDIA_START was handed to the socket, and when ANSWER arrived. */
  mediaStartSentAtMs = NaN;
  answerReceivedAtMs = NaN;
  /** A BINARY frame from the gateway (set by the benchmark). */
  onAudio: (frame: Buffer) => void = () => {};
  /** The gateway sent ANSWER. */
  onAnswer: () => void = () => {};
  /** The gateway sent HANGUP (the call then closes with 1000, as Asterisk does). */
  onHangupCommand: () => void = () => {};
  answered = false;
  errors = 0;

  private constructor(ws: WebSocket, connectionId: string) {
    this.ws = ws;
    this.connectionId = connectionId;
    this.closed = new Promise((resolve) => ws.once('close', (code) => resolve(code)));
    ws.on('message', (data: RawData, isBinary) => {
      if (isBinary) this.onAudio(data as Buffer);
      else this.#onText((data as Buffer).toString('utf8'));
    });
  }

  /** Open the call's socket, as res_websocket_client does (no Origin, `media` offered). */
  static async dial(url: string, connectionId: string, timeoutMs: number): Promise<AsteriskCall> {
    const ws = new WebSocket(url, MEDIA_SUBPROTOCOL, { perMessageDeflate: false, maxPayload: MAX_ASTERISK_MESSAGE_BYTES, handshakeTimeout: timeoutMs });
    const call = new AsteriskCall(ws, connectionId);
    ws.on('error', () => call.errors++);
    await opened(ws, timeoutMs, `dial ${connectionId}`);
    return call;
  }

  /** MEDIA_START, byte for byte what chan_websocket sends for `c(slin16)` in plain text. */
  sendMediaStart(): void {
    const channelId = `${startS}.${(channelCounter += 2)}`;
    const channel = `WebSocket/${this.connectionId}/0x7f${randomBytes(5).toString('hex').slice(0, -1)}0`;
    const text = asteriskControl.mediaStartMessage(
      { connectionId: this.connectionId, channel, channelId, codec: 'slin16', optimalFrameBytes: FRAME_BYTES, ptimeMs: FRAME_MS, channelVariables: {} },
      'text',
    );
    this.mediaStartSentAtMs = performance.now();
    this.ws.send(text);
  }

  /** One frame towards the gateway; false (not sent) when the socket is not open or backed up. */
  sendAudio(frame: Buffer): boolean {
    return sendAudioBounded(this.ws, frame);
  }

  /** The caller hangs up: Asterisk closes the socket with 1000. */
  hangup(): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(1000);
  }

  #onText(text: string): void {
    const command = text.trim().split(' ', 1)[0];
    if (command === 'ANSWER' && !this.answered) {
      this.answered = true;
      this.answerReceivedAtMs = performance.now();
      this.onAnswer();
    } else if (command === 'HANGUP') {
      this.onHangupCommand();
      this.hangup();
    }
  }
}
