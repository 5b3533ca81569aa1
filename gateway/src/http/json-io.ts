/**
 * JSON in and out of the operations API: bounded request bodies, and answers in one shape,
 * `{ "error": { "code": "…", "message": "…" } }` for every refusal.
 * @packageDocumentation
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Largest request body the API reads (`{"number": "…"}` is a few dozen bytes). */
export const MAX_API_BODY_BYTES = 4_096;

/** Answer `status` with `body` as JSON. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...headers }).end(text);
}

/** Answer `status` with an error `code` (stable, documented in docs/openapi.yaml) and a sentence. */
export function sendError(res: ServerResponse, status: number, code: string, message: string, headers: Readonly<Record<string, string>> = {}): void {
  sendJson(res, status, { error: { code, message } }, headers);
}

/** Why a body could not be read. */
export type BodyRefusal = 'too_large' | 'not_json' | 'aborted';

/**
 * Read a JSON body of at most {@link MAX_API_BODY_BYTES}; a longer one is refused without being
 * read to its end.
 */
export function readJsonBody(req: IncomingMessage): Promise<{ ok: true; json: unknown } | { ok: false; refusal: BodyRefusal }> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > MAX_API_BODY_BYTES) return resolve({ ok: false, refusal: 'too_large' });
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_API_BODY_BYTES) {
        resolve({ ok: false, refusal: 'too_large' });
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.once('error', () => resolve({ ok: false, refusal: 'aborted' }));
    req.once('end', () => {
      try {
        resolve({ ok: true, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown });
      } catch {
        resolve({ ok: false, refusal: 'not_json' });
      }
    });
  });
}
