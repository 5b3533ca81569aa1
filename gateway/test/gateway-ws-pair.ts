/**
 * A real loopback connection to one of the gateway's WebSocket servers (`createWsServer`, so read by
 * `net/binary-frames-in.ts` ahead of ws): the client, the server side's socket, and a close.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import { WebSocket } from 'ws';
import { createWsServer } from '../src/net/ws-server.js';

/** Connect a ws client to a fresh gateway WebSocket server on 127.0.0.1 (subprotocol 'test'); `close()` ends both. */
export async function gatewayWsPair(maxPayloadBytes: number): Promise<{ atServer: WebSocket; client: WebSocket; close: () => void }> {
  const wss = createWsServer({ maxPayloadBytes, subprotocol: 'test' });
  const http = createServer();
  http.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws)));
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  const accepted = once(wss, 'connection');
  const client = new WebSocket(`ws://127.0.0.1:${(http.address() as { port: number }).port}`, 'test', { maxPayload: maxPayloadBytes });
  await once(client, 'open');
  const [atServer] = (await accepted) as [WebSocket];
  const close = (): void => {
    for (const ws of wss.clients) ws.terminate();
    client.terminate();
    http.close();
  };
  return { atServer, client, close };
}
