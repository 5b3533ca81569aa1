/**
 * A stand-in for the gateway at the process boundary, for the SDK client's Node tests: a real
 * WebSocket server on 127.0.0.1 that speaks gag.v1 as far as these tests need (hello → welcome,
 * ping → pong), parsing what the client sends with the shared protocol module. The browser
 * globals the client needs in Node come from `@gag/testkit/browser-globals`.
 */
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { SUBPROTOCOL, encodeServerMessage, parseClientMessage, type ClientMessage, type ServerMessage } from '../src/protocol.js';

/** Options of {@link startGatewayStub}. */
export interface GatewayStubOptions {
  /** `welcome.features` (default: none, as an older gateway). */
  readonly features?: readonly string[];
  /** Answer pings (default: when `features` has `ping`). */
  readonly answerPings?: boolean;
}

/** The running stand-in. */
export interface GatewayStub {
  readonly url: string;
  /** Connections opened so far. */
  readonly connections: number;
  /** Every client message, in order. */
  readonly received: readonly ClientMessage[];
  /** Close every open connection with `code` (1001: going away, which the SDK retries). */
  dropAll(code: number, reason?: string): void;
  /** Send a message to every open connection. */
  broadcast(message: ServerMessage): void;
  close(): Promise<void>;
}

/** Start the stand-in on a free port. */
export async function startGatewayStub(options: GatewayStubOptions = {}): Promise<GatewayStub> {
  const features = options.features ?? [];
  const answerPings = options.answerPings ?? features.includes('ping');
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: (protocols) => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false) });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const received: ClientMessage[] = [];
  let connections = 0;
  server.on('connection', (ws) => {
    connections++;
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const message = parseClientMessage(String(data));
      received.push(message);
      if (message.type === 'hello') {
        ws.send(encodeServerMessage({ type: 'welcome', protocol: 1, sessionId: `s${connections}`, extension: '2001', ...(features.length > 0 ? { features: [...features] } : {}) }));
      } else if (message.type === 'ping' && answerPings) {
        ws.send(encodeServerMessage({ type: 'pong', id: message.id }));
      }
    });
  });
  return {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get connections() {
      return connections;
    },
    received,
    dropAll(code, reason = 'going away') {
      for (const ws of server.clients) ws.close(code, reason);
    },
    broadcast(message) {
      for (const ws of server.clients) ws.send(encodeServerMessage(message));
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of server.clients) ws.terminate();
        server.close(() => resolve());
      }),
  };
}
