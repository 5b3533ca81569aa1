/**
 * An Asterisk that misbehaves, for the reliability suite: a plain `ws` client on the Asterisk
 * port offering subprotocol `media` (as res_websocket_client does) that sends whatever a test
 * gives it — any text, any binary, any size, any rate — and records what the gateway answers
 * (its commands, its audio, and how it closed). The well-behaved one is the e2e FakeAsterisk.
 */
import { once } from 'node:events';
import WebSocket from 'ws';
import { expect } from 'vitest';
import { FRAME_MS, frameBytesOf, isWireFormat } from '@gag/sdk/protocol';
import { asteriskControl, MEDIA_SUBPROTOCOL } from '@gag/e2e';

/** How the socket closed: the code and reason the gateway sent (1006 when it was cut). */
export interface Closed {
  readonly code: number;
  readonly reason: string;
}

/** MEDIA_START for `connectionId`, as the fake Asterisk encodes it (plain text by default). */
export function mediaStart(connectionId: string, options: { codec?: string; optimalFrameBytes?: number; format?: 'text' | 'json' } = {}): string {
  const codec = options.codec ?? 'slin16';
  const frameBytes = options.optimalFrameBytes ?? frameBytesOf(isWireFormat(codec) ? codec : 'slin16');
  return asteriskControl.mediaStartMessage(
    { connectionId, channel: `WebSocket/${connectionId}/0x7f0000000010`, channelId: '1795403872.2', codec, optimalFrameBytes: frameBytes, ptimeMs: FRAME_MS, channelVariables: {} },
    options.format ?? 'text',
  );
}

/**
 * One misbehaving call socket on the Asterisk port.
 * @example
 * const rogue = await RogueAsterisk.connect(gw.asteriskUrl);
 * rogue.text('MEDIA_XOFF'); // before MEDIA_START
 * expect(await rogue.closedWithin()).toEqual({ code: 1008, reason: 'MEDIA_XOFF before MEDIA_START' });
 */
export class RogueAsterisk {
  readonly ws: WebSocket;
  /** TEXT messages from the gateway (its commands), in order. */
  readonly texts: string[] = [];
  /** BINARY messages from the gateway. */
  readonly audio: Buffer[] = [];
  readonly closed: Promise<Closed>;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data, isBinary) => (isBinary ? this.audio.push(data as Buffer) : this.texts.push((data as Buffer).toString('utf8'))));
    // A peer cut mid-write (1 MB messages, terminate) reports EPIPE/ECONNRESET: the close says what happened.
    ws.on('error', () => undefined);
    this.closed = once(ws, 'close').then(([code, reason]) => ({ code: code as number, reason: String(reason) }));
  }

  /** Open a socket to the gateway's Asterisk port (`path` may carry `v()` parameters). */
  static async connect(asteriskUrl: string, path = '/'): Promise<RogueAsterisk> {
    const rogue = new RogueAsterisk(new WebSocket(`${asteriskUrl}${path}`, MEDIA_SUBPROTOCOL, { perMessageDeflate: false }));
    await once(rogue.ws, 'open', { signal: AbortSignal.timeout(2_000) });
    return rogue;
  }

  /** Send one TEXT message (a string, or raw bytes sent as TEXT, valid UTF-8 or not). */
  text(data: string | Buffer): void {
    this.ws.send(data, { binary: false });
  }

  /** Send one BINARY message. */
  binary(data: Buffer): void {
    this.ws.send(data, { binary: true });
  }

  /** Resolves once the gateway sent `command` (e.g. `HANGUP`), or rejects after `timeoutMs`. */
  async command(command: string, timeoutMs = 2_000): Promise<void> {
    await expect.poll(() => this.texts, { timeout: timeoutMs }).toContain(command);
  }

  /** The socket closed within `timeoutMs`: how. */
  closedWithin(timeoutMs = 3_000): Promise<Closed> {
    return Promise.race([this.closed, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`not closed within ${timeoutMs} ms`)), timeoutMs).unref())]);
  }

  /** Close as Asterisk does after HANGUP (1000), or cut the TCP connection. */
  close(how: 'close' | 'terminate' = 'close'): void {
    if (how === 'terminate') this.ws.terminate();
    else this.ws.close(1000);
  }
}
