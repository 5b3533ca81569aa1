/**
 * A fake Asterisk Manager Interface: a real TCP server on loopback that speaks AMI as manager.c
 * does (banner, `Key: Value` blocks ended by an empty line, `\r\n` everywhere), records every
 * action it is sent, and plays an `Action: Originate` like Asterisk: `Response: Success` ("queued")
 * at once, then the call back through the fake Asterisk (fake-ami/dialplan.ts), then the
 * `OriginateResponse` event with the same ActionID when the call back is answered (Success,
 * Reason 4) or ends unanswered (Failure). `Action: PlayDTMF` presses a key on a fake Asterisk
 * call by its channel name (fake-ami/play-dtmf.ts). Independent of the gateway's own AMI codec on purpose.
 * @packageDocumentation
 */
import { EventEmitter, once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import type { FakeAsterisk, FakeCall } from '../fake-asterisk/client.js';
import { listenOnLoopback, portOf } from '../loopback.js';
import { ringBack, type DialIdVia } from './dialplan.js';
import { playDtmf } from './play-dtmf.js';

/**
 * Options of {@link FakeAmi}.
 * @example const ami = await FakeAmi.start({ asterisk, username: 'gag', secret: 'gag-secret' });
 */
export interface FakeAmiOptions {
  /**
   * Dials the call back, as the dialplan would. May be set later through the `asterisk` property
   * (the gateway's Asterisk port is known only once it runs, and it needs this server's port first).
   */
  readonly asterisk?: FakeAsterisk;
  /** The manager.conf section that may log in (default `gag`). */
  readonly username?: string;
  /** Its secret (default `gag-secret`). */
  readonly secret?: string;
  /** How the call back carries the dial id (default `param`). */
  readonly dialIdVia?: DialIdVia;
}

/**
 * One action as received: its lines in order.
 * @example ami.actions.map((action) => action.get('Action')); // ['Login', 'Originate']
 */
export interface AmiAction {
  /** Every `Key: value` line of the action, in order. */
  readonly lines: ReadonlyArray<readonly [string, string]>;
  /** The first value of `key` (case-insensitive). */
  get(key: string): string | undefined;
}

/**
 * An `Action: Originate` as Asterisk read it.
 * @example const seen = await ami.nextOriginate(); expect(seen.exten).toBe('0312345678');
 */
export interface SeenOriginate {
  /** `ActionID:`, echoed in the response and the OriginateResponse event. */
  readonly actionId: string;
  /** `Channel:`, the channel rung first, e.g. `WebSocket/ws-ext-2001/c(slin16)n`. */
  readonly channel: string;
  /** `Context:`, where the answered channel continues. */
  readonly context: string;
  /** `Exten:`, the number it dials there. */
  readonly exten: string;
  /** `Priority:`. */
  readonly priority: string;
  /** `CallerID:`, if given. */
  readonly callerId: string | undefined;
  /** `Timeout:` in ms, if given. */
  readonly timeoutMs: number | undefined;
  /** `Async: true`: the response comes at once, the outcome later in an OriginateResponse event. */
  readonly async: boolean;
  /** `Variable:` lines, names as written (`__GAG_DIAL_ID`). */
  readonly variables: Readonly<Record<string, string>>;
  /** The call back, once the fake dialled it (undefined when nothing was dialled). */
  readonly call: Promise<FakeCall | undefined>;
}

/**
 * Events of a {@link FakeAmi}.
 * @example ami.on('login', (ok) => { if (!ok) console.warn("the gateway's AMI login was refused"); });
 */
export interface FakeAmiEvents {
  /** A Login action was answered. `ami.on('login', (ok) => {})` */
  login: [ok: boolean];
  /** An Originate was read. */
  originate: [originate: SeenOriginate];
}

const BANNER = 'Asterisk Call Manager/11.0.0\r\n';

function parseBlock(text: string): AmiAction {
  const lines = text.split('\r\n').map((line): readonly [string, string] => {
    const colon = line.indexOf(':');
    return colon === -1 ? [line, ''] : [line.slice(0, colon), line.slice(colon + 1).trimStart()];
  });
  return { lines, get: (key) => lines.find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1] };
}

function block(lines: ReadonlyArray<readonly [string, string | undefined]>): string {
  return `${lines.filter(([, v]) => v !== undefined).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`;
}

/**
 * The fake AMI on `127.0.0.1:<port>`.
 * @example
 * const ami = await FakeAmi.start({ asterisk });
 * // gateway config: { originate: 'ami', ami_port: ami.port, ami_username: 'gag', ami_secret: 'gag-secret' }
 * const originate = await ami.nextOriginate();
 * const call = await originate.call;
 */
export class FakeAmi extends EventEmitter<FakeAmiEvents> {
  /** Every action received, in order (Login with its Secret included). */
  readonly actions: AmiAction[] = [];
  /** Every Originate received, in order. */
  readonly originates: SeenOriginate[] = [];
  readonly #server: Server;
  readonly #options: FakeAmiOptions;
  /** Where call backs are dialled; without one, an originate is accepted but nothing rings. */
  asterisk: FakeAsterisk | undefined;
  readonly #sockets = new Set<Socket>();
  readonly #calls = new Set<FakeCall>();
  #down = false;
  #refuseNext: string | undefined;
  #holdNext = false;
  #uniqueId = 0;
  #taken = 0;

  private constructor(server: Server, options: FakeAmiOptions) {
    super();
    this.#server = server;
    this.#options = options;
    this.asterisk = options.asterisk;
    server.on('connection', (socket) => this.#onConnection(socket));
  }

  /** Listen on loopback port 0. */
  static async start(options: FakeAmiOptions): Promise<FakeAmi> {
    const server = createServer();
    const ami = new FakeAmi(server, options);
    await listenOnLoopback(server);
    return ami;
  }

  /** The port it listens on (on 127.0.0.1), once started. */
  get port(): number {
    return portOf(this.#server);
  }

  /** Manager sessions open now (logged in or not). */
  get sessions(): number {
    return this.#sockets.size;
  }

  /** The next Originate not yet taken by this method, waiting up to `timeoutMs` for it. */
  async nextOriginate(timeoutMs = 2_000): Promise<SeenOriginate> {
    const index = this.#taken++;
    const signal = AbortSignal.timeout(timeoutMs);
    while (index >= this.originates.length) await once(this, 'originate', { signal });
    return this.originates[index]!;
  }

  /** Answer the next Originate with `Response: Error` and `message` (Asterisk refusing it). */
  refuseNextOriginate(message = 'Originate failed'): void {
    this.#refuseNext = message;
  }

  /**
   * Queue the next Originate but ring nothing and report nothing (no OriginateResponse), as while
   * Asterisk is still setting the user's channel up: a test can then dial the call back itself.
   */
  holdNextCallback(): void {
    this.#holdNext = true;
  }

  /** Like Asterisk stopping: every manager session is cut, and new ones are cut at once until {@link up}. */
  down(): void {
    this.#down = true;
    for (const socket of this.#sockets) socket.destroy();
  }

  /** Asterisk is back: sessions are served again. */
  up(): void {
    this.#down = false;
  }

  /**
   * Start afresh for the next test of a shared fake: `nextOriginate()` waits for Originates from
   * now on, an armed refusal or hold is dropped, and Asterisk is up. `actions` and `originates`
   * keep their history.
   */
  reset(): void {
    this.#taken = this.originates.length;
    this.#refuseNext = undefined;
    this.#holdNext = false;
    this.#down = false;
  }

  /** Cut every session, hang up every call back, stop listening. */
  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await Promise.all([...this.#calls].map((c) => c.hangup()));
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #onConnection(socket: Socket): void {
    if (this.#down) return void socket.destroy();
    this.#sockets.add(socket);
    socket.on('close', () => this.#sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.write(BANNER);
    let buffer = '';
    let loggedIn = false;
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => {
      buffer += text;
      for (let end = buffer.indexOf('\r\n\r\n'); end !== -1; end = buffer.indexOf('\r\n\r\n')) {
        const action = parseBlock(buffer.slice(0, end));
        buffer = buffer.slice(end + 4);
        this.actions.push(action);
        loggedIn = this.#onAction(socket, action, loggedIn);
      }
    });
  }

  /** Answer one action; returns whether the session is logged in afterwards. */
  #onAction(socket: Socket, action: AmiAction, loggedIn: boolean): boolean {
    const name = (action.get('Action') ?? '').toLowerCase();
    const actionId = action.get('ActionID');
    const reply = (lines: ReadonlyArray<readonly [string, string | undefined]>): boolean => socket.write(block([...lines.slice(0, 1), ['ActionID', actionId], ...lines.slice(1)]));
    if (name === 'login') {
      const ok = action.get('Username') === (this.#options.username ?? 'gag') && action.get('Secret') === (this.#options.secret ?? 'gag-secret');
      this.emit('login', ok);
      if (!ok) {
        // manager.c answers, then ends the session.
        reply([['Response', 'Error'], ['Message', 'Authentication failed']]);
        socket.end();
        return false;
      }
      reply([['Response', 'Success'], ['Message', 'Authentication accepted']]);
      socket.write(block([['Event', 'FullyBooted'], ['Privilege', 'system,all'], ['Status', 'Fully Booted']]));
      return true;
    }
    if (!loggedIn) return reply([['Response', 'Error'], ['Message', 'Permission denied']]), false;
    if (name === 'ping') reply([['Response', 'Success'], ['Ping', 'Pong'], ['Timestamp', (Date.now() / 1000).toFixed(6)]]);
    else if (name === 'logoff') reply([['Response', 'Goodbye'], ['Message', 'Thanks for all the fish.']]), socket.end();
    else if (name === 'originate') this.#originate(socket, action, actionId ?? '', reply);
    else if (name === 'playdtmf') reply(playDtmf((key) => action.get(key)));
    else reply([['Response', 'Error'], ['Message', 'Invalid/unknown command']]);
    return true;
  }

  #originate(socket: Socket, action: AmiAction, actionId: string, reply: (lines: ReadonlyArray<readonly [string, string | undefined]>) => boolean): void {
    const variables: Record<string, string> = {};
    for (const [key, value] of action.lines) {
      if (key.toLowerCase() !== 'variable') continue;
      for (const pair of value.split(',')) {
        const eq = pair.indexOf('=');
        if (eq > 0) variables[pair.slice(0, eq)] = pair.slice(eq + 1);
      }
    }
    const channel = action.get('Channel') ?? '';
    const refused = this.#refuseNext;
    const held = this.#holdNext;
    this.#refuseNext = undefined;
    this.#holdNext = false;
    let dial: Promise<FakeCall | undefined> = Promise.resolve(undefined);
    if (refused !== undefined) {
      reply([['Response', 'Error'], ['Message', refused]]);
    } else if (held) {
      reply([['Response', 'Success'], ['Message', 'Originate successfully queued']]);
    } else {
      reply([['Response', 'Success'], ['Message', 'Originate successfully queued']]);
      dial = ringBack(this.asterisk, channel, variables, this.#options.dialIdVia ?? 'param');
      void dial.then((call) => this.#followCall(socket, action, actionId, call));
    }
    const timeout = action.get('Timeout');
    const originate: SeenOriginate = {
      actionId,
      channel,
      context: action.get('Context') ?? '',
      exten: action.get('Exten') ?? '',
      priority: action.get('Priority') ?? '',
      callerId: action.get('CallerID'),
      timeoutMs: timeout === undefined ? undefined : Number(timeout),
      async: (action.get('Async') ?? '').toLowerCase() === 'true',
      variables,
      call: dial,
    };
    this.originates.push(originate);
    this.emit('originate', originate);
  }

  /** OriginateResponse once the call back is answered or ends unanswered, as Asterisk reports it. */
  #followCall(socket: Socket, action: AmiAction, actionId: string, call: FakeCall | undefined): void {
    const uniqueId = `${Math.floor(Date.now() / 1000)}.${++this.#uniqueId}`;
    const event = (response: 'Success' | 'Failure', reason: string): void => {
      if (socket.destroyed) return;
      socket.write(
        block([
          ['Event', 'OriginateResponse'],
          ['Privilege', 'call,all'],
          ['ActionID', actionId],
          ['Response', response],
          ['Channel', `${action.get('Channel') ?? ''}-00000001;1`],
          ['Context', action.get('Context')],
          ['Exten', action.get('Exten')],
          ['Reason', reason],
          ['Uniqueid', uniqueId],
          ['CallerIDNum', '<unknown>'],
          ['CallerIDName', '<unknown>'],
        ]),
      );
    };
    if (call === undefined) return event('Failure', '0');
    this.#calls.add(call);
    call.once('answered', () => event('Success', '4'));
    call.once('ended', () => {
      this.#calls.delete(call);
      if (call.commands[0] !== 'ANSWER') event('Failure', '1');
    });
  }
}
