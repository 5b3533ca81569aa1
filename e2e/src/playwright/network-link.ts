/**
 * The network between the browser and the gateway, as a loopback TCP relay a test can cut.
 * Browsers keep an open WebSocket up when told they are offline (Playwright's `setOffline` does
 * not touch WebSockets), so a lost connection is made where it really happens: on the wire.
 * @packageDocumentation
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { listenOnLoopback, portOf } from '../loopback.js';

/**
 * A relay on `127.0.0.1:<port>` to the gateway's browser port. {@link cut} drops every
 * connection at once (a reset, as when a cable is pulled or Wi-Fi drops) and refuses new ones
 * until {@link restore}.
 * @example
 * const link = await NetworkLink.start(8766);
 * link.cut();     // the page sees its WebSocket close (1006) and starts reconnecting
 * link.restore(); // its next attempt gets through
 */
export class NetworkLink {
  readonly #server: Server;
  readonly #targetPort: number;
  readonly #sockets = new Set<Socket>();
  #down = false;

  private constructor(server: Server, targetPort: number) {
    this.#server = server;
    this.#targetPort = targetPort;
    server.on('connection', (socket) => this.#relay(socket));
  }

  /** Listen on a free loopback port, relaying to `127.0.0.1:targetPort`. */
  static async start(targetPort: number): Promise<NetworkLink> {
    const server = createServer();
    const link = new NetworkLink(server, targetPort);
    await listenOnLoopback(server);
    return link;
  }

  /** The port pages connect to. */
  get port(): number {
    return portOf(this.#server);
  }

  /** Whether the link is cut. */
  get isCut(): boolean {
    return this.#down;
  }

  /** Drop every connection now (TCP reset both ways) and refuse new ones until {@link restore}. */
  cut(): void {
    this.#down = true;
    for (const socket of this.#sockets) socket.resetAndDestroy();
    this.#sockets.clear();
  }

  /** Let connections through again. */
  restore(): void {
    this.#down = false;
  }

  /** Drop every connection and stop listening. */
  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #relay(browser: Socket): void {
    if (this.#down) return void browser.resetAndDestroy();
    const gateway = connect(this.#targetPort, '127.0.0.1');
    for (const [socket, other] of [
      [browser, gateway],
      [gateway, browser],
    ] as const) {
      this.#sockets.add(socket);
      socket.setNoDelay(true);
      socket.on('error', () => other.destroy());
      socket.on('close', () => {
        this.#sockets.delete(socket);
        other.destroy();
      });
      socket.pipe(other);
    }
  }
}
