/**
 * The live-fork part of the operations API (docs/openapi.yaml, docs/fork-and-record.md#live-forks),
 * behind the admin check like the rest of `/api/`:
 * - `POST|DELETE /api/calls/:id/fork`: start or stop forking a live call to `fork_url`;
 * - `GET /api/forks`: every live fork with its state and counters.
 * @packageDocumentation
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Router } from '../calls/router.js';
import { forkView, type ForkRefusal, type Forks } from '../media/forks.js';
import { sendError, sendJson } from './json-io.js';

const CALL_FORK = /^\/api\/calls\/([\w-]{1,64})\/fork$/;

/** HTTP status and sentence of each refusal to start. */
const REFUSALS: Readonly<Record<ForkRefusal, readonly [number, string]>> = {
  not_enabled: [501, 'forking is off: set fork_url in goastgateway.json'],
  not_talking: [409, 'the call is not talking (only an answered call can be forked)'],
  already_forked: [409, 'the call is already forked'],
};

/**
 * Serve `req` if its path is a fork route; false otherwise. `admin` answers 401/403 itself and returns false when refused.
 * @example if (handleForkRoute(req, res, path, router, forks, () => admin(req, res))) return;
 */
export function handleForkRoute(req: IncomingMessage, res: ServerResponse, path: string, router: Router, forks: Forks, admin: () => boolean): boolean {
  const m = CALL_FORK.exec(path);
  if (m === null && path !== '/api/forks') return false;
  const allowed = m === null ? ['GET'] : ['POST', 'DELETE'];
  const method = req.method ?? 'GET';
  if (!allowed.includes(method)) return sendError(res, 405, 'method_not_allowed', `use ${allowed.join(' or ')}`, { Allow: allowed.join(', ') }), true;
  if (!admin()) return true;
  if (m === null) return sendJson(res, 200, { forks: forks.all }), true;
  const callId = m[1]!;
  const call = router.calls.find((c) => c.id === callId);
  if (call === undefined) return sendError(res, 404, 'not_found', 'no such call (it may have ended)'), true;
  if (method === 'POST') {
    const started = forks.start(call);
    if (started.ok) return sendJson(res, 201, { fork: forkView(started.fork, callId) }), true;
    const [status, message] = REFUSALS[started.refusal];
    return sendError(res, status, started.refusal, message), true;
  }
  const fork = forks.of(callId);
  if (fork === undefined) return sendError(res, 404, 'not_forked', 'the call is not forked'), true;
  fork.stop();
  return sendJson(res, 200, { fork: forkView(fork, callId) }), true;
}
