/**
 * The web server of the page under test, on loopback: a folder of the integrator's files, a
 * built-in page with `<gag-phone>`, pages a test builds itself, and `/token`, which mints a token
 * as a CRM backend would. A real server, not `page.route`: Chromium lets only a page it fetched
 * from loopback reach the loopback gateway (Local Network Access).
 * @packageDocumentation
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { listenOnLoopback, portOf } from '../loopback.js';
import { phonePageHtml } from '../phone-page.js';

/**
 * The path of the token endpoint: `GET /token?ext=2001` answers a fresh JWT as text; `&ttl=5`
 * makes it expire in 5 s (the default is the env's, 10 minutes).
 */
export const TOKEN_PATH = '/token';

/** What the server needs from the fixtures. */
export interface PageServerOptions {
  /** A folder served at `/` (e.g. `examples/`), or undefined. */
  readonly staticDir: string | undefined;
  /** A fresh token for `extension`, valid `ttlSeconds` (default: the env's). */
  readonly mintToken: (extension: string, ttlSeconds?: number) => Promise<string>;
  /** The gateway URL pages use (`ws://localhost:<port>`). */
  readonly gatewayUrl: () => string;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wav': 'audio/wav',
};

/**
 * @example
 * const pages = await PageServer.start({ staticDir: 'examples', mintToken, gatewayUrl });
 * await page.goto(`${pages.origin}/crm.html`);
 */
export class PageServer {
  readonly #server: Server;
  readonly #options: PageServerOptions;
  readonly #served = new Map<string, { contentType: string; body: string | Buffer }>();

  private constructor(server: Server, options: PageServerOptions) {
    this.#server = server;
    this.#options = options;
    server.on('request', (req, res) => void this.#handle(req, res).catch(() => res.destroy()));
  }

  /** Listen on a free loopback port. */
  static async start(options: PageServerOptions): Promise<PageServer> {
    const server = createServer();
    const pages = new PageServer(server, options);
    await listenOnLoopback(server);
    return pages;
  }

  /** e.g. `http://localhost:41234` (a secure context, like https). */
  get origin(): string {
    return `http://localhost:${portOf(this.#server)}`;
  }

  /** Serve `body` at `path` from now on (a page or script a test builds). */
  serve(path: string, contentType: string, body: string | Buffer): void {
    this.#served.set(path, { contentType, body });
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((done) => this.#server.close(() => done()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const send = (status: number, contentType: string, body: string | Buffer): void =>
      void res.writeHead(status, { 'Content-Type': contentType, 'Cache-Control': 'no-store' }).end(body);
    const served = this.#served.get(url.pathname);
    if (served !== undefined) return send(200, served.contentType, served.body);
    const extension = url.searchParams.get('ext') ?? '2001';
    if (url.pathname === TOKEN_PATH) {
      // What a CRM backend does for its logged-in agent. Any page may ask (a loopback test server),
      // with credentials too: <gag-phone token-url> fetches with the page's cookies.
      res.setHeader('Access-Control-Allow-Origin', req.headers.origin ?? '*');
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.setHeader('Vary', 'Origin');
      const ttl = Number(url.searchParams.get('ttl') ?? NaN);
      return send(200, 'text/plain; charset=utf-8', await this.#options.mintToken(extension, Number.isInteger(ttl) && ttl > 0 ? ttl : undefined));
    }
    const file = await this.#readStatic(url.pathname);
    if (file !== undefined) return send(200, CONTENT_TYPES[extname(file.path)] ?? 'application/octet-stream', file.body);
    if (url.pathname === '/') {
      const lang = url.searchParams.get('lang') === 'ja' ? 'ja' : 'en';
      const token = await this.#options.mintToken(extension);
      return send(200, 'text/html; charset=utf-8', phonePageHtml({ gatewayUrl: this.#options.gatewayUrl(), token, lang }));
    }
    send(404, 'text/plain; charset=utf-8', `${url.pathname} is not served here\n`);
  }

  /** A file of the static folder, never outside it. */
  async #readStatic(pathname: string): Promise<{ path: string; body: Buffer } | undefined> {
    const dir = this.#options.staticDir;
    if (dir === undefined) return undefined;
    const root = resolve(dir);
    const path = resolve(root, `.${decodeURIComponent(pathname)}`);
    if (path !== root && !path.startsWith(root + sep)) return undefined;
    try {
      return { path, body: await readFile(path) };
    } catch {
      return undefined; // missing, or a folder
    }
  }
}
