/**
 * A raw WebSocket handshake for refusal tests: the HTTP status and headers the gateway answers an
 * upgrade with (101 when it accepts; the socket is then dropped at once).
 */
import type { IncomingHttpHeaders } from 'node:http';
import WebSocket from 'ws';

export interface HandshakeResult {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface HandshakeOptions {
  readonly path?: string;
  readonly protocols?: string[];
  readonly origin?: string;
  readonly headers?: Record<string, string>;
  /** For wss:// with the test certificate. */
  readonly ca?: Buffer;
}

/** Try one upgrade to `url` (+ `path`) and report how the server answered. */
export function handshake(url: string, options: HandshakeOptions = {}): Promise<HandshakeResult> {
  const ws = new WebSocket(`${url}${options.path ?? ''}`, options.protocols ?? [], {
    handshakeTimeout: 2_000,
    ...(options.origin === undefined ? {} : { origin: options.origin }),
    ...(options.headers === undefined ? {} : { headers: options.headers }),
    ...(options.ca === undefined ? {} : { ca: options.ca }),
  });
  return new Promise((resolve, reject) => {
    ws.once('unexpected-response', (req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
        req.destroy();
      });
      res.on('error', () => undefined);
    });
    ws.once('upgrade', (res) => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: '' }));
    ws.once('open', () => ws.terminate());
    ws.on('error', (err) => reject(err));
  });
}
