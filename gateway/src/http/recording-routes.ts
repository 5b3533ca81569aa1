/**
 * The recording part of the operations API (docs/openapi.yaml, docs/fork-and-record.md), behind
 * the admin check like the rest of `/api/`:
 * - `POST|DELETE /api/calls/:id/recording`: start or stop recording a live call;
 * - `POST /api/calls/:id/recording/pause|resume`: silence a span (a card number) and go on;
 * - `GET /api/recordings`, `GET|DELETE /api/recordings/:id`, `GET /api/recordings/:id/audio`:
 *   the folder's recordings, their sidecars and WAV files.
 * @packageDocumentation
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Router } from '../calls/router.js';
import type { Recordings, StartRefusal } from '../media/recordings.js';
import { sendError, sendJson } from './json-io.js';

const CALL_RECORDING = /^\/api\/calls\/([\w-]{1,64})\/recording(?:\/(pause|resume))?$/;
const RECORDING = /^\/api\/recordings\/([\w-]{1,100})(\/audio)?$/;

/** HTTP status and sentence of each refusal to start. */
const REFUSALS: Readonly<Record<StartRefusal, readonly [number, string]>> = {
  not_enabled: [501, 'recording is off: set recording_dir in goastgateway.json'],
  not_talking: [409, 'the call is not talking (only an answered call can be recorded)'],
  already_recording: [409, 'the call is already being recorded'],
  write_failed: [507, 'the recording file could not be created (see the gateway log)'],
};

/** What the recording routes need; `admin` answers 401/403 itself and returns false when refused. */
export interface RecordingRoutesOptions {
  readonly router: Router;
  readonly recordings: Recordings;
}

/**
 * Serve `req` if its path is a recording route; false otherwise.
 * @example if (handleRecordingRoute(req, res, path, options, () => admin(req, res), run)) return;
 */
export function handleRecordingRoute(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  options: RecordingRoutesOptions,
  admin: () => boolean,
  run: (work: Promise<void>) => void,
): boolean {
  const method = req.method ?? 'GET';
  const live = CALL_RECORDING.exec(path);
  const file = live === null ? RECORDING.exec(path) : null;
  if (live === null && file === null && path !== '/api/recordings') return false;
  const allowed = live !== null ? (live[2] === undefined ? ['POST', 'DELETE'] : ['POST']) : file?.[2] !== undefined || path === '/api/recordings' ? ['GET'] : ['GET', 'DELETE'];
  if (!allowed.includes(method)) {
    sendError(res, 405, 'method_not_allowed', `use ${allowed.join(' or ')}`, { Allow: allowed.join(', ') });
    return true;
  }
  if (!admin()) return true;
  const { recordings } = options;
  if (path === '/api/recordings') return run(recordings.list().then((list) => sendJson(res, 200, { recordings: list }))), true;
  if (live !== null) return run(liveCall(res, method, live[1]!, live[2], options)), true;
  const id = file![1]!;
  if (method === 'DELETE') {
    run(
      recordings.delete(id).then((result) => {
        if (result === 'ok') res.writeHead(204).end();
        else if (result === 'live') sendError(res, 409, 'recording_live', 'the recording is still going: stop it first (DELETE /api/calls/:id/recording)');
        else sendError(res, 404, 'not_found', 'no such recording');
      }),
    );
    return true;
  }
  run(file![2] === undefined ? meta(res, id, recordings) : audio(res, id, recordings));
  return true;
}

async function liveCall(res: ServerResponse, method: string, callId: string, action: string | undefined, { router, recordings }: RecordingRoutesOptions): Promise<void> {
  const call = router.calls.find((c) => c.id === callId);
  if (call === undefined) return sendError(res, 404, 'not_found', 'no such call (it may have ended)');
  if (action === undefined && method === 'POST') {
    const started = await recordings.start(call, 'api');
    if (started.ok) return sendJson(res, 201, { recording: started.recording.meta });
    const [status, message] = REFUSALS[started.refusal];
    return sendError(res, status, started.refusal, message);
  }
  const recording = recordings.of(callId);
  if (recording === undefined) return sendError(res, 404, 'not_recording', 'the call is not being recorded');
  if (action === undefined) {
    await recordings.stop(callId);
    return sendJson(res, 200, { recording: recording.meta });
  }
  const changed = action === 'pause' ? recording.pause() : recording.resume();
  if (!changed) return sendError(res, 409, action === 'pause' ? 'already_paused' : 'not_paused', `the recording is ${recording.status}`);
  sendJson(res, 200, { recording: recording.meta });
}

async function meta(res: ServerResponse, id: string, recordings: Recordings): Promise<void> {
  const m = await recordings.get(id);
  if (m === undefined) return sendError(res, 404, 'not_found', 'no such recording');
  sendJson(res, 200, { recording: m });
}

async function audio(res: ServerResponse, id: string, recordings: Recordings): Promise<void> {
  const path = recordings.wavPathOf(id);
  const size = path === undefined ? undefined : await stat(path).then((s) => s.size, () => undefined);
  if (path === undefined || size === undefined) return sendError(res, 404, 'not_found', 'no such recording');
  res.writeHead(200, { 'Content-Type': 'audio/wav', 'Content-Length': String(size), 'Content-Disposition': `attachment; filename="${id}.wav"`, 'Cache-Control': 'no-store' });
  const stream = createReadStream(path, { start: 0, end: size - 1 });
  stream.once('error', () => res.destroy());
  stream.pipe(res);
}
