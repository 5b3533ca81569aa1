/**
 * The HTTP operations API on the browser listener (docs/openapi.yaml):
 * - `GET /healthz` liveness and `GET /readyz` readiness, open to all (no detail beyond booleans);
 * - `GET /api/calls`, `DELETE /api/calls/:id`, `GET /api/sessions`, `GET /metrics`: admin
 *   (`Authorization: Bearer <admin_token>`, or direct loopback while `admin_token` is unset);
 * - `POST /api/calls`: click-to-call for a user, with the user's own JWT as a Bearer token; the
 *   browser IP allow-list applies, and a browser page may call it from an `allowed_origins` origin
 *   (CORS). The body names a number only: the extension is the token's.
 * @packageDocumentation
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as v from 'valibot';
import { API_DIAL_REQUEST_ID, type DialErrorCode } from '@gag/sdk/protocol';
import type { BrowserPolicy } from '../browser/listener.js';
import type { Registry } from '../browser/registration.js';
import type { Router } from '../calls/router.js';
import { TokenError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Forks } from '../media/forks.js';
import type { Recordings } from '../media/recordings.js';
import type { Dialer } from '../originate/dialer.js';
import type { AdminAuth, AdminRefusal } from './admin-auth.js';
import { readJsonBody, sendError, sendJson } from './json-io.js';
import type { GatewayMetrics } from './metrics.js';
import { handleForkRoute } from './fork-routes.js';
import { handleRecordingRoute } from './recording-routes.js';
import { callView, sessionView, type CallView } from './views.js';

/**
 * `/readyz`: what is checked. `originate` is `off` when click-to-call is not configured; `cluster`
 * is `off` without a cluster, `ready` with Redis reachable, else why not (`redis ECONNREFUSED`).
 */
export interface Readiness {
  readonly asteriskListener: boolean;
  readonly browserListener: boolean;
  readonly originate: 'off' | 'ready' | 'not_ready';
  readonly cluster: 'off' | 'ready' | `redis ${string}`;
  /** Draining for a rolling upgrade: not ready, so a load balancer sends nothing new. */
  readonly draining: boolean;
}

/** What the routes read. */
export interface RoutesOptions {
  readonly router: Router;
  readonly registry: Registry;
  readonly dialer: Dialer;
  readonly metrics: GatewayMetrics;
  readonly auth: () => AdminAuth;
  /** The browser side's policy: IP allow-list, origins and the token verifier. */
  readonly policy: () => BrowserPolicy;
  readonly readiness: () => Promise<Readiness>;
  readonly log: Logger;
  /** Recording of calls (issue 20): `/api/recordings`, `/api/calls/:id/recording`. */
  readonly recordings: Recordings;
  /** Live forks of calls (issue 20): `/api/forks`, `/api/calls/:id/fork`. */
  readonly forks: Forks;
  /** In a cluster (issue 17): the other nodes' calls, and hanging one of them up. */
  readonly cluster?: ClusterCalls | undefined;
}

/** What the API needs of the cluster (cluster/cluster-node.ts implements it). */
export interface ClusterCalls {
  /** This node's id: every call view then names its node. */
  readonly id: string;
  /** The other nodes' live calls, each with its node. */
  otherCalls(): Promise<Array<CallView & { readonly node: string }>>;
  /** Ask the node holding `callId` to hang it up: whether one holds it and heard. */
  hangupElsewhere(callId: string): Promise<boolean>;
}

/** HTTP status of each dial refusal. */
const DIAL_STATUS: Readonly<Record<DialErrorCode, number>> = {
  not_enabled: 501,
  number_not_allowed: 422,
  rate_limited: 429,
  asterisk_unreachable: 503,
  asterisk_login_failed: 502,
  originate_failed: 502,
};

/** The body of `POST /api/calls`: strict, so `{"extension": …}` is refused, never ignored. */
const DialBody = v.strictObject({
  number: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
  /** The `welcome.sessionId` of the user's page that asked: the call back rings only there and answers by itself. */
  session: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(64))),
});

const CALL_PATH = /^\/api\/calls\/([\w-]{1,64})$/;

/**
 * The operations API.
 * @example
 * if (routes.handle(req, res, path)) return;
 */
export class Routes {
  readonly #options: RoutesOptions;

  constructor(options: RoutesOptions) {
    this.#options = options;
  }

  /** Serve `req` if its path is ours; false otherwise. */
  handle(req: IncomingMessage, res: ServerResponse, path: string): boolean {
    const method = req.method ?? 'GET';
    if (path === '/healthz') return this.#only(req, res, ['GET', 'HEAD'], () => res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok\n'));
    if (path === '/readyz') return this.#only(req, res, ['GET'], () => this.#async(res, this.#ready(res)));
    if (path === '/metrics') return this.#only(req, res, ['GET'], () => this.#admin(req, res) && this.#async(res, this.#metrics(res)));
    if (path === '/api/sessions') return this.#only(req, res, ['GET'], () => this.#admin(req, res) && this.#sessions(res));
    if (path === '/api/calls' && method === 'POST') return this.#cors(req, res) && this.#async(res, this.#dial(req, res)), true;
    if (path === '/api/calls' && method === 'OPTIONS') return this.#cors(req, res) && res.writeHead(204).end(), true;
    if (path === '/api/calls') return this.#only(req, res, ['GET', 'POST'], () => this.#admin(req, res) && this.#async(res, this.#calls(res)));
    const m = CALL_PATH.exec(path);
    if (m !== null) return this.#only(req, res, ['DELETE'], () => this.#admin(req, res) && this.#async(res, this.#hangup(res, m[1]!)));
    const { router, recordings, forks } = this.#options;
    if (handleRecordingRoute(req, res, path, { router, recordings }, () => this.#admin(req, res), (work) => this.#async(res, work))) return true;
    if (handleForkRoute(req, res, path, router, forks, () => this.#admin(req, res))) return true;
    if (path.startsWith('/api/')) return sendError(res, 404, 'not_found', `no such API path: ${path.slice(0, 80)}`), true;
    return false;
  }

  /** Run `serve` for the allowed methods; 405 otherwise. */
  #only(req: IncomingMessage, res: ServerResponse, methods: readonly string[], serve: () => unknown): true {
    if (methods.includes(req.method ?? 'GET')) serve();
    else sendError(res, 405, 'method_not_allowed', `use ${methods.join(' or ')}`, { Allow: methods.join(', ') });
    return true;
  }

  /** Run an async handler; a bug in it answers 500 and is logged, never an unhandled rejection. */
  #async(res: ServerResponse, work: Promise<void>): true {
    work.catch((err: unknown) => {
      this.#options.log.error({ err }, 'api handler failed');
      if (!res.headersSent) sendError(res, 500, 'internal', 'internal error');
      else res.destroy();
    });
    return true;
  }

  /** The admin check; answers 401/403 and returns false when it fails. */
  #admin(req: IncomingMessage, res: ServerResponse): boolean {
    const verdict = this.#options.auth().check(req);
    if (verdict === 'ok') return true;
    this.#refused(req, verdict);
    if (verdict === 'not_loopback') sendError(res, 403, 'forbidden', 'the operations API answers loopback only: set admin_token to use it from elsewhere');
    else sendError(res, 401, 'unauthorized', 'send Authorization: Bearer <admin_token>', { 'WWW-Authenticate': 'Bearer realm="gag-admin"' });
    return false;
  }

  #refused(req: IncomingMessage, reason: AdminRefusal | string): void {
    this.#options.metrics.authFailure('api', reason);
    this.#options.log.warn({ ip: req.socket.remoteAddress, reason, side: 'api', method: req.method }, 'api refused');
  }

  async #ready(res: ServerResponse): Promise<void> {
    const r = await this.#options.readiness();
    const ready = r.asteriskListener && r.browserListener && r.originate !== 'not_ready' && (r.cluster === 'off' || r.cluster === 'ready') && !r.draining;
    sendJson(res, ready ? 200 : 503, { ready, checks: r });
  }

  async #metrics(res: ServerResponse): Promise<void> {
    const text = await this.#options.metrics.render();
    res.writeHead(200, { 'Content-Type': this.#options.metrics.contentType, 'Cache-Control': 'no-store' }).end(text);
  }

  #sessions(res: ServerResponse): boolean {
    const { registry, router } = this.#options;
    sendJson(res, 200, { sessions: registry.all().map((p) => sessionView(p, router.callOf(p))) });
    return true;
  }

  /** This node's calls; in a cluster every node's, each naming its node. */
  async #calls(res: ServerResponse): Promise<void> {
    const { cluster } = this.#options;
    const local = this.#options.router.calls.filter((c) => c.state !== 'ended').map(callView);
    if (cluster === undefined) return sendJson(res, 200, { calls: local });
    sendJson(res, 200, { calls: [...local.map((view) => ({ ...view, node: cluster.id })), ...(await cluster.otherCalls())] });
  }

  /** Hang up a call of this node (204), or in a cluster ask the node holding it (202). */
  async #hangup(res: ServerResponse, callId: string): Promise<void> {
    if (this.#options.router.hangup(callId)) return void res.writeHead(204).end();
    if ((await this.#options.cluster?.hangupElsewhere(callId)) === true) return void res.writeHead(202).end();
    sendError(res, 404, 'not_found', 'no such call (it may have ended)');
  }

  /**
   * CORS for `POST /api/calls` from a page of `allowed_origins`; a request from any other origin is
   * refused (403). Requests without `Origin` (a backend) pass.
   */
  #cors(req: IncomingMessage, res: ServerResponse): boolean {
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    if (!this.#options.policy().allowedOrigins.includes(origin)) {
      this.#refused(req, 'origin_not_allowed');
      sendError(res, 403, 'forbidden', 'origin not in allowed_origins');
      return false;
    }
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Vary', 'Origin');
    res.setHeader('Access-Control-Allow-Methods', 'POST');
    res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type');
    res.setHeader('Access-Control-Max-Age', '600');
    return true;
  }

  /** `POST /api/calls`: the user's JWT, then `{"number": "…"}`. */
  async #dial(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const policy = this.#options.policy();
    if (!policy.acl.allows(req.socket.remoteAddress)) {
      this.#refused(req, 'ip_not_allowed');
      return sendError(res, 403, 'forbidden', 'address not in allowed_browser_ips');
    }
    const bearer = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(req.headers.authorization ?? '')?.[1];
    let extension: string;
    try {
      extension = (await policy.verify(bearer)).extension;
    } catch (e) {
      if (!(e instanceof TokenError)) throw e;
      this.#options.metrics.authFailure('browser', e.reason);
      this.#options.log.warn({ ip: req.socket.remoteAddress, reason: e.reason, side: 'api' }, 'refused: token');
      return sendError(res, 401, 'token_invalid', e.message, { 'WWW-Authenticate': 'Bearer realm="gag"' });
    }
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
      return sendError(res, 415, 'unsupported_media_type', 'send the body as application/json');
    }
    const body = await readJsonBody(req);
    if (!body.ok) {
      if (body.refusal === 'too_large') return sendError(res, 413, 'payload_too_large', 'the body is too large', { Connection: 'close' });
      return sendError(res, 400, 'bad_request', 'the body is not JSON');
    }
    const parsed = v.safeParse(DialBody, body.json);
    if (!parsed.success) {
      const [issue] = parsed.issues;
      const key = v.getDotPath(issue) ?? '(body)';
      const fix = issue.type === 'strict_object' ? 'unknown key: the body names the number only; the extension is the token\'s' : issue.message;
      return sendError(res, 400, 'bad_request', `${key}: ${fix}`);
    }
    // Without `session` the call back rings every phone of the extension and needs a click there:
    // whoever holds the token must not be able to open the agent's microphone. Naming the page's
    // own session (which only that page knows) lets it answer by itself, as its own dial would.
    let asker: { phoneId: string; requestId: string } | undefined;
    if (parsed.output.session !== undefined) {
      const phone = this.#options.registry.phonesFor(extension).find((p) => p.id === parsed.output.session);
      if (phone === undefined) return sendError(res, 422, 'session_not_found', `no phone of extension ${extension} is online with that session (welcome.sessionId)`);
      asker = { phoneId: phone.id, requestId: API_DIAL_REQUEST_ID };
    }
    const outcome = await this.#options.dialer.dial({ extension, number: parsed.output.number, phoneId: asker?.phoneId, requestId: asker?.requestId, via: 'http' });
    if (outcome.ok) return sendJson(res, 202, { dialId: outcome.dialId, extension, number: outcome.number });
    const retry: Record<string, string> = outcome.retryAfterMs === undefined ? {} : { 'Retry-After': String(Math.ceil(outcome.retryAfterMs / 1_000)) };
    sendError(res, DIAL_STATUS[outcome.code], outcome.code, outcome.message, retry);
  }
}
