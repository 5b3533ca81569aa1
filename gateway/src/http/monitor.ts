/**
 * The live monitor: a WebSocket at `/monitor` (admin token, or direct loopback while
 * `admin_token` is unset) streaming presence, call-state and click-to-call events as JSON TEXT
 * frames, in the order they happened, numbered by `seq`. The first frame is a `snapshot` of who
 * is online and which calls exist. Dashboards read it; anything they send is ignored. A
 * dashboard that stops reading is closed (1008) rather than buffered without bound.
 * @packageDocumentation
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import { CLOSE, type CallState } from '@gag/sdk/protocol';
import type { Phone } from '../browser/phone.js';
import type { Registry } from '../browser/registration.js';
import type { Activity, ForkActivity } from '../calls/activity.js';
import type { Call } from '../calls/call.js';
import type { Logger } from '../log.js';
import type { DialActivity } from '../originate/dialer.js';
import { startHeartbeat } from '../net/heartbeat.js';
import { refuseUpgrade } from '../net/upgrade.js';
import { closeAllClients, closeSocket } from '../net/ws-close.js';
import { createWsServer } from '../net/ws-server.js';
import type { AdminAuth, AdminRefusal } from './admin-auth.js';
import { callView, sessionView, type CallView, type SessionView } from './views.js';

/** The monitor's path on the browser listener. */
export const MONITOR_PATH = '/monitor';
/** Subprotocol a dashboard may offer (optional). */
export const MONITOR_SUBPROTOCOL = 'gag.monitor.v1';
/** A dashboard this far behind is closed. */
export const MAX_MONITOR_BACKLOG_BYTES = 1_048_576;
/** Dashboards send nothing we read; anything larger than this closes them (1009). */
const MAX_MONITOR_MESSAGE_BYTES = 1_024;

/**
 * What every frame of the monitor feed carries.
 * @example ws.onmessage = (e) => { const { seq, at }: MonitorFrame = JSON.parse(e.data); console.log(seq, at); };
 */
export interface MonitorFrame {
  /** The frame's number: the feed's frames are numbered in the order they happened. */
  readonly seq: number;
  /** When it happened, ISO 8601 (UTC). */
  readonly at: string;
}

/**
 * One frame of the feed.
 * @example
 * ws.onmessage = (e) => { const event: MonitorEvent = JSON.parse(e.data); if (event.type === 'call') render(event.call); };
 */
export type MonitorEvent =
  | (MonitorFrame & {
      /** The first frame: who is online and which calls exist. */
      readonly type: 'snapshot';
      /** The logged-in browsers. */
      readonly sessions: SessionView[];
      /** The calls. */
      readonly calls: CallView[];
      /** The live forks of calls (issue 20). */
      readonly forks: ForkActivity[];
    })
  | (MonitorFrame & {
      /** A browser logged in or left. */
      readonly type: 'presence';
      /** Whether it logged in (true) or left. */
      readonly online: boolean;
      /** The browser. */
      readonly session: SessionView;
    })
  | (MonitorFrame & {
      /** A call changed state, or, still ringing, the phones it rings, or, talking, its supervisors (`previous` is then its state now). */
      readonly type: 'call';
      /** The state before. */
      readonly previous: CallState;
      /** The call now. */
      readonly call: CallView;
    })
  | (MonitorFrame & {
      /** A click-to-call request was answered, or an accepted one failed later. */
      readonly type: 'dial';
      /** The request and its outcome. */
      readonly dial: DialActivity;
    })
  | (MonitorFrame & {
      /** A call's live fork changed state: connecting, open, reconnecting, closed (last). */
      readonly type: 'fork';
      /** The fork now, with its counters. */
      readonly fork: ForkActivity;
    });

/** What the monitor reads and whom it lets in. */
export interface MonitorOptions {
  readonly activity: Activity;
  readonly calls: () => readonly Call[];
  readonly registry: Registry;
  readonly callOf: (phone: Phone) => Call | undefined;
  /** The live forks, for the snapshot. */
  readonly forks?: () => ForkActivity[];
  readonly auth: () => AdminAuth;
  readonly log: Logger;
  readonly heartbeatIntervalMs?: number;
  /** An upgrade was refused (counted). */
  readonly onRefused?: (reason: AdminRefusal) => void;
  /** In a cluster (issue 17): this node's id, and the other nodes' calls, so the feed shows every node's. */
  readonly cluster?: MonitorCluster | undefined;
}

/** What the monitor needs of a cluster (cluster/other-calls.ts and the node's id). */
export interface MonitorCluster {
  /** This node's id: each call names its node. */
  readonly node: string;
  /** The other nodes' live calls now, each naming its node. */
  otherCalls(): ReadonlyArray<CallView & { readonly node: string }>;
  /** Hear each change of state of another node's call; returns the function that stops it. */
  onOtherCall(listener: (call: CallView & { readonly node: string }, previous: CallState) => void): () => void;
  /** Hear another node's click-to-call outcomes and fork changes (each with its `node`); returns the function that stops it. */
  onOtherActivity(listener: (event: 'dial' | 'fork', body: Readonly<Record<string, unknown>> & { readonly node: string }) => void): () => void;
}

/**
 * The `/monitor` endpoint.
 * @example
 * const monitor = new Monitor({ activity, calls: () => router.calls, registry, callOf, auth: () => adminAuth, log });
 * if (path === MONITOR_PATH) return monitor.upgrade(req, socket, head);
 */
export class Monitor {
  readonly #options: MonitorOptions;
  readonly #wss: WebSocketServer;
  readonly #clients = new Set<WebSocket>();
  #seq = 0;
  readonly #stopOthers: (() => void) | undefined;
  readonly #listeners: {
    call: (call: Call, previous: CallState) => void;
    presence: (phone: Phone, online: boolean) => void;
    dial: (dial: DialActivity) => void;
    fork: (fork: ForkActivity) => void;
    supervision: (call: Call) => void;
  };

  constructor(options: MonitorOptions) {
    this.#options = options;
    this.#wss = createWsServer({ maxPayloadBytes: MAX_MONITOR_MESSAGE_BYTES, subprotocol: MONITOR_SUBPROTOCOL });
    const at = (): string => new Date().toISOString();
    this.#listeners = {
      call: (call, previous) => this.#broadcast((seq) => ({ type: 'call', seq, at: at(), previous, call: this.#view(call) })),
      presence: (phone, online) => this.#broadcast((seq) => ({ type: 'presence', seq, at: at(), online, session: sessionView(phone, online ? options.callOf(phone) : undefined) })),
      dial: (dial) => this.#broadcast((seq) => ({ type: 'dial', seq, at: at(), dial })),
      fork: (fork) => this.#broadcast((seq) => ({ type: 'fork', seq, at: at(), fork })),
      supervision: (call) => this.#broadcast((seq) => ({ type: 'call', seq, at: at(), previous: call.state, call: this.#view(call) })),
    };
    const stopCalls = options.cluster?.onOtherCall((call, previous) => this.#broadcast((seq) => ({ type: 'call', seq, at: at(), previous, call })));
    const stopActivity = options.cluster?.onOtherActivity((event, body) =>
      this.#broadcast((seq) => (event === 'dial' ? { type: 'dial', seq, at: at(), dial: body as unknown as DialActivity } : { type: 'fork', seq, at: at(), fork: body as unknown as ForkActivity })),
    );
    this.#stopOthers = () => (stopCalls?.(), stopActivity?.());
    options.activity.on('supervision', this.#listeners.supervision);
    options.activity.on('fork', this.#listeners.fork);
    options.activity.on('call', this.#listeners.call);
    options.activity.on('presence', this.#listeners.presence);
    options.activity.on('dial', this.#listeners.dial);
  }

  /** Dashboards connected now. */
  get clients(): number {
    return this.#clients.size;
  }

  /** Take an upgrade to {@link MONITOR_PATH}: admin check (401/403), then the feed. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const { log } = this.#options;
    const auth = this.#options.auth();
    const verdict = auth.check(req);
    if (verdict !== 'ok') {
      this.#options.onRefused?.(verdict);
      log.warn({ ip: req.socket.remoteAddress, reason: verdict, side: 'api' }, 'monitor refused');
      if (verdict === 'not_loopback') return refuseUpgrade(socket, 403, 'set admin_token to use the monitor from another host');
      return refuseUpgrade(socket, 401, 'admin token required', { 'WWW-Authenticate': 'Bearer realm="gag-admin"' });
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#add(ws, req.socket.remoteAddress));
  }

  /** Close every dashboard (1001) and stop listening to the activity. */
  async close(): Promise<void> {
    const { activity } = this.#options;
    activity.off('call', this.#listeners.call);
    activity.off('presence', this.#listeners.presence);
    activity.off('dial', this.#listeners.dial);
    activity.off('fork', this.#listeners.fork);
    activity.off('supervision', this.#listeners.supervision);
    this.#stopOthers?.();
    await closeAllClients(this.#wss, CLOSE.GOING_AWAY.code, 'gateway shutting down');
  }

  #add(ws: WebSocket, ip: string | undefined): void {
    const { registry, calls, callOf, log } = this.#options;
    this.#clients.add(ws);
    const stopHeartbeat = startHeartbeat(ws, { intervalMs: this.#options.heartbeatIntervalMs, onLost: () => log.info({ ip }, 'monitor heartbeat lost') });
    ws.on('error', (err) => log.debug({ ip, err: err.message }, 'monitor socket error'));
    ws.once('close', () => {
      stopHeartbeat();
      this.#clients.delete(ws);
      log.info({ ip }, 'monitor disconnected');
    });
    const snapshot: MonitorEvent = {
      type: 'snapshot',
      seq: this.#seq,
      at: new Date().toISOString(),
      sessions: registry.all().map((p) => sessionView(p, callOf(p))),
      calls: [...calls().filter((c) => c.state !== 'ended').map((c) => this.#view(c)), ...(this.#options.cluster?.otherCalls() ?? [])],
      forks: this.#options.forks?.() ?? [],
    };
    ws.send(JSON.stringify(snapshot));
    log.info({ ip }, 'monitor connected');
  }

  /** A call of this node as the feed shows it: in a cluster, naming this node. */
  #view(call: Call): CallView {
    const view = callView(call);
    const node = this.#options.cluster?.node;
    return node === undefined ? view : { ...view, node };
  }

  #broadcast(make: (seq: number) => MonitorEvent): void {
    const seq = ++this.#seq;
    if (this.#clients.size === 0) return;
    const text = JSON.stringify(make(seq));
    for (const ws of this.#clients) {
      if (ws.readyState !== ws.OPEN) continue;
      if (ws.bufferedAmount > MAX_MONITOR_BACKLOG_BYTES) {
        this.#options.log.warn({ backlogBytes: ws.bufferedAmount }, 'monitor too slow; closing it');
        closeSocket(ws, 1008, 'monitor too slow: read the feed faster');
        continue;
      }
      ws.send(text);
    }
  }
}
