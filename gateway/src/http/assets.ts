/**
 * Static files the gateway serves to CRM pages: the `<gag-phone>` single-file bundle at
 * `/gag-phone.js` (and the supervisors' `<gag-board>` at `/gag-board.js`), so a page needs one
 * script tag, and the files the bundles load next to them (the audio worklet,
 * `processors.worklet.<hash>.js`).
 *
 * Caching: `/gag-phone.js` is revalidated on every page load (`no-cache` + ETag: a cheap 304), so
 * an upgraded gateway is picked up at once. `/gag-phone.<hash>.js` is the same bytes under the
 * content hash (the ETag's value), and every hashed file is `immutable` for a year: a page that
 * wants no revalidation at all uses that address.
 *
 * One build: the bundle is read once, and with it every hashed file next to it, so a rebuild on
 * disk while the gateway runs never leaves the bundle it serves without its files. A page loaded
 * before an upgrade (a restart) asks for files of the older build: they answer 404, with CORS so
 * that the page can tell "gone" from a network failure and ask the user to reload.
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';

/** The drop-in bundle's file, and the address it is always served at. */
const PHONE_FILE = 'gag-phone.js';
/** The drop-in bundles, each served at its own name: the phone, and the supervisors' board (issue 21). */
const ENTRY_FILES: readonly string[] = [PHONE_FILE, 'gag-board.js'];
/** Hex characters of a content hash in a file name (as the component build writes them). */
const HASH_CHARS = 16;
/** `name.<hash>.js`: only such names are looked up on disk (no dots, slashes or `..` before the hash). */
const HASHED_NAME = new RegExp(`^/([A-Za-z][\\w-]*(?:\\.[A-Za-z][\\w-]*)*)\\.([0-9a-f]{${HASH_CHARS}})\\.js$`);
const IMMUTABLE = 'public, max-age=31536000, immutable';

interface Asset {
  readonly body: Buffer;
  readonly hash: string;
}

/** Where the built component bundle is; undefined if the package cannot be resolved. */
function componentDir(): string | undefined {
  try {
    return dirname(fileURLToPath(import.meta.resolve(`@gag/web-components/${PHONE_FILE}`)));
  } catch {
    return undefined;
  }
}

/** Options of {@link Assets}. */
export interface AssetsOptions {
  /** The folder of the built bundle (default: `@gag/web-components`' dist). */
  readonly dir?: string | undefined;
}

/** Browsers run the files only as what `Content-Type` says they are, never sniffed into something else. */
const NOSNIFF = { 'X-Content-Type-Options': 'nosniff' } as const;

/**
 * Serves the `<gag-phone>` bundle and its hashed companions, each read once and kept.
 * @example
 * const assets = new Assets();
 * if (assets.handle(req, res, path)) return;
 */
export class Assets {
  readonly #dir: string | undefined;
  readonly #entries = new Map<string, Promise<Asset | undefined>>();
  readonly #hashed = new Map<string, Promise<Asset | undefined>>();

  constructor(options: AssetsOptions = {}) {
    this.#dir = options.dir ?? componentDir();
  }

  /** Serve `GET`/`HEAD /gag-phone.js`, `/gag-board.js` and `/<name>.<hash>.js` and their CORS preflights (any other method: 405); returns false if the request is not for an asset. */
  handle(req: IncomingMessage, res: ServerResponse, path: string): boolean {
    const hashed = HASHED_NAME.exec(path);
    const entry = ENTRY_FILES.find((file) => path === `/${file}`);
    if (entry === undefined && hashed === null) return false;
    // A CORS preflight for a GET: the bundle imports its words and call code in CORS mode, and a
    // page whose requests carry headers of their own (an extension, a test's extraHTTPHeaders)
    // asks first. Only a real preflight; any other OPTIONS is refused like the other methods.
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] === 'GET' && req.headers.origin !== undefined) {
      res.writeHead(204, { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Methods': 'GET, HEAD', 'Access-Control-Allow-Headers': '*', 'Access-Control-Max-Age': '86400', ...NOSNIFF }).end();
      return true;
    }
    // Files are only read (issue 15: POST, PUT and TRACE were answered 200 with the bundle).
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain', ...NOSNIFF }).end('only GET and HEAD\n');
      return true;
    }
    if (hashed === null) {
      void this.#entryAsset(entry!).then((asset) => this.#send(req, res, asset, 'no-cache'));
      return true;
    }
    const [, name = '', hash = ''] = hashed;
    void this.#hashedAsset(name, hash).then((asset) => this.#send(req, res, asset?.hash === hash ? asset : undefined, IMMUTABLE));
    return true;
  }

  #entryAsset(file: string): Promise<Asset | undefined> {
    let loading = this.#entries.get(file);
    if (loading === undefined) {
      const load = this.#loadBuild(file);
      loading = load;
      this.#entries.set(file, load);
      void load.then((asset) => {
        if (asset === undefined && this.#entries.get(file) === load) this.#entries.delete(file); // built later: try again next time
      });
    }
    return loading;
  }

  /** A bundle, once every hashed file next to it is read too (kept with it: one build). */
  async #loadBuild(file: string): Promise<Asset | undefined> {
    const phone = await this.#load(file);
    if (phone === undefined || this.#dir === undefined) return phone;
    const names = await readdir(this.#dir).catch(() => []);
    await Promise.all(names.filter((name) => HASHED_NAME.test(`/${name}`)).map((name) => this.#hashedFile(name)));
    return phone;
  }

  /** `gag-phone.<hash>.js` (or the board's) is the bundle under its hash; any other name is a file written with its hash. */
  #hashedAsset(name: string, hash: string): Promise<Asset | undefined> {
    if (ENTRY_FILES.includes(`${name}.js`)) return this.#entryAsset(`${name}.js`);
    return this.#hashedFile(`${name}.${hash}.js`);
  }

  #hashedFile(file: string): Promise<Asset | undefined> {
    let loading = this.#hashed.get(file);
    if (loading === undefined) {
      loading = this.#load(file);
      this.#hashed.set(file, loading);
      void loading.then((asset) => {
        if (asset === undefined) this.#hashed.delete(file); // not built (yet): no entry per unknown name
      });
    }
    return loading;
  }

  #send(req: IncomingMessage, res: ServerResponse, asset: Asset | undefined, cacheControl: string): void {
    if (asset === undefined) {
      // CORS on the 404 too: the bundle checks a file it could not load, to tell "gone" from a network failure.
      res.writeHead(404, { 'Content-Type': 'text/plain', 'Access-Control-Allow-Origin': '*', ...NOSNIFF }).end(`not built: run \`npm run build\`\n`);
      return;
    }
    const etag = `"${asset.hash}"`;
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { ETag: etag, 'Cache-Control': cacheControl, ...NOSNIFF }).end();
      return;
    }
    res
      .writeHead(200, {
        'Content-Type': 'text/javascript; charset=utf-8',
        'Cache-Control': cacheControl,
        ETag: etag,
        // Any CRM page may load the script (and its worklet, fetched in CORS mode); the WebSocket itself checks Origin.
        'Access-Control-Allow-Origin': '*',
        'Cross-Origin-Resource-Policy': 'cross-origin',
        ...NOSNIFF,
      })
      .end(req.method === 'HEAD' ? undefined : asset.body);
  }

  async #load(file: string): Promise<Asset | undefined> {
    if (this.#dir === undefined) return undefined;
    try {
      const body = await readFile(`${this.#dir}/${file}`);
      return { body, hash: createHash('sha256').update(body).digest('hex').slice(0, HASH_CHARS) };
    } catch {
      return undefined;
    }
  }
}
