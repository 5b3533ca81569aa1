/**
 * Static files the gateway serves to CRM pages: the `<gag-phone>` single-file bundle at
 * `/gag-phone.js`, so a page needs one script tag.
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';

interface Asset {
  readonly body: Buffer;
  readonly etag: string;
}

/** Where the built component bundle is; undefined if the package cannot be resolved. */
function componentBundlePath(): string | undefined {
  try {
    return fileURLToPath(import.meta.resolve('@gag/web-components/gag-phone.js'));
  } catch {
    return undefined;
  }
}

/**
 * Serves the `<gag-phone>` bundle, read once and cached with an ETag.
 * @example
 * if (assets.handle(req, res, path)) return;
 */
export class Assets {
  #phone: Promise<Asset | undefined> | undefined;

  /** Serve `GET /gag-phone.js`; returns false if the request is not for an asset. */
  handle(req: IncomingMessage, res: ServerResponse, path: string): boolean {
    if (path !== '/gag-phone.js') return false;
    void this.#servePhone(req, res);
    return true;
  }

  async #servePhone(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const asset = await (this.#phone ??= this.#load());
    if (asset === undefined) {
      this.#phone = undefined; // built later: try again next time
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('gag-phone.js is not built: run `npm run build`\n');
      return;
    }
    if (req.headers['if-none-match'] === asset.etag) {
      res.writeHead(304, { ETag: asset.etag }).end();
      return;
    }
    res
      .writeHead(200, {
        'Content-Type': 'text/javascript; charset=utf-8',
        'Cache-Control': 'no-cache',
        ETag: asset.etag,
        // Any CRM page may load the script; the WebSocket itself checks Origin.
        'Access-Control-Allow-Origin': '*',
        'Cross-Origin-Resource-Policy': 'cross-origin',
      })
      .end(req.method === 'HEAD' ? undefined : asset.body);
  }

  async #load(): Promise<Asset | undefined> {
    const path = componentBundlePath();
    if (path === undefined) return undefined;
    try {
      const body = await readFile(path);
      return { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
    } catch {
      return undefined;
    }
  }
}
