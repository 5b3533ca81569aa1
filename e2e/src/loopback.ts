/**
 * Listening on loopback on a port the kernel picks (port 0), as every fake and fixture server here
 * does, so that tests never collide on a port. Internal to the package: not exported from its index.
 * @packageDocumentation
 */
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';

/** Start `server` (net or http) listening on 127.0.0.1 on a free port; resolves once it listens, rejects on a listen error. */
export async function listenOnLoopback<S extends Server>(server: S): Promise<S> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

/** The port a listening `server` got. */
export const portOf = (server: Server): number => (server.address() as AddressInfo).port;

/** A free loopback port: the kernel's pick, released at once, for a program that takes its ports from a config file (Asterisk). */
export async function freePort(): Promise<number> {
  const server = await listenOnLoopback(createServer());
  const port = portOf(server);
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

/**
 * Wait until a program of its own (nginx) accepts TCP on loopback `port`, polling every 50 ms
 * (a port gives no event to wait on); rejects after `timeoutMs`.
 * @example await untilAccepting(port, 10_000);
 */
export async function untilAccepting(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => (socket.destroy(), resolve(true)));
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listened on ${port} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
