import { createServer } from 'node:net';

/** A free loopback port: the kernel's pick, released for Asterisk to bind (it takes ports from its config). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}
