/**
 * A real Asterisk for tests: its config files written into a fresh folder, started in the
 * foreground (`asterisk -f`) as a child process, driven through its CLI (`asterisk -rx`), and
 * stopped with `core stop now`. Everything binds to loopback; nothing outside the folder is
 * written (logs, spool, recordings and the control socket live in it).
 * @packageDocumentation
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GagError } from '@gag/sdk/protocol';

const run = promisify(execFile);

/** How long Asterisk may take to load its modules and say it is fully booted. */
const BOOT_TIMEOUT_MS = 30_000;
/** How long `core stop now` may take before the process is killed. */
const STOP_TIMEOUT_MS = 10_000;
/** A CLI command's bound. */
const CLI_TIMEOUT_MS = 10_000;

/** What {@link RealAsterisk.start} needs. */
export interface RealAsteriskOptions {
  /** The install prefix (its `sbin/asterisk` and `lib/asterisk/modules`). */
  readonly prefix: string;
  /** Config files by name (`extensions.conf` → its text); `asterisk.conf` is written here. */
  readonly files: Readonly<Record<string, string>>;
  /** A string in `files` that stands for this instance's recordings folder (made at start). */
  readonly recordingsStandIn?: string;
}

/**
 * A running Asterisk.
 * @example
 * const asterisk = await RealAsterisk.start({ prefix, files: { 'extensions.conf': '…' } });
 * await asterisk.cli('channel originate Local/2001@inhouse/n extension tone@gag-test');
 * await asterisk.stop();
 */
export class RealAsterisk {
  /** The folder holding this instance's configs, logs, spool and recordings. */
  readonly dir: string;
  readonly #prefix: string;
  readonly #child: ChildProcess;
  #output = '';

  private constructor(prefix: string, dir: string, child: ChildProcess) {
    this.#prefix = prefix;
    this.dir = dir;
    this.#child = child;
    const keep = (chunk: Buffer): void => {
      // The last 64 KiB of what Asterisk printed, for an error message.
      this.#output = (this.#output + chunk.toString('utf8')).slice(-65_536);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }

  /** Write the configs and start Asterisk; resolves once it is fully booted. */
  static async start(options: RealAsteriskOptions): Promise<RealAsterisk> {
    const dir = mkdtempSync(join(tmpdir(), 'gag-asterisk-'));
    for (const sub of ['etc', 'run', 'log', 'spool', 'lib', 'db', 'keys', 'rec']) mkdirSync(join(dir, sub));
    writeFileSync(join(dir, 'etc', 'asterisk.conf'), asteriskConf(options.prefix, dir));
    const standIn = options.recordingsStandIn;
    for (const [name, text] of Object.entries(options.files)) {
      writeFileSync(join(dir, 'etc', name), standIn === undefined ? text : text.replaceAll(standIn, join(dir, 'rec')));
    }
    const child = spawn(join(options.prefix, 'sbin', 'asterisk'), ['-f', '-n', '-C', join(dir, 'etc', 'asterisk.conf')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const asterisk = new RealAsterisk(options.prefix, dir, child);
    try {
      await asterisk.#waitBooted();
    } catch (e) {
      await asterisk.stop();
      throw e;
    }
    return asterisk;
  }

  async #waitBooted(): Promise<void> {
    const exited = once(this.#child, 'exit').then(([code]) => {
      throw new GagError('GAG_NOT_CONNECTED', `Asterisk exited during start-up (code ${String(code)}):\n${this.#output.slice(-4_000)}`);
    });
    const deadline = Date.now() + BOOT_TIMEOUT_MS;
    const booted = (async () => {
      // The control socket appears a moment after the process starts: retry until it answers.
      for (;;) {
        try {
          await this.cli('core waitfullybooted');
          return;
        } catch (e) {
          if (Date.now() > deadline) throw new GagError('GAG_NOT_CONNECTED', `Asterisk did not boot within ${BOOT_TIMEOUT_MS} ms:\n${this.#output.slice(-4_000)}`, { cause: e });
          await new Promise((resolve) => setTimeout(resolve, 100)); // polling the CLI socket: no event to wait on
        }
      }
    })();
    await Promise.race([booted, exited]);
  }

  /** Run one CLI command (`asterisk -rx`) and return what it printed. */
  async cli(command: string): Promise<string> {
    const { stdout } = await run(join(this.#prefix, 'sbin', 'asterisk'), ['-C', join(this.dir, 'etc', 'asterisk.conf'), '-rx', command], {
      timeout: CLI_TIMEOUT_MS,
    });
    return stdout;
  }

  /** What Asterisk printed lately (its console), for a failing test's message. */
  get output(): string {
    return this.#output;
  }

  /** A path inside this instance's recordings folder. */
  recording(name: string): string {
    return join(this.dir, 'rec', name);
  }

  /** Stop Asterisk (`core stop now`, killed after a bound) and remove its folder. */
  async stop(): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      const exited = once(this.#child, 'exit');
      await this.cli('core stop now').catch(() => this.#child.kill('SIGTERM'));
      const timer = setTimeout(() => this.#child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** asterisk.conf: modules from the install, everything else inside `dir`. */
function asteriskConf(prefix: string, dir: string): string {
  return `[directories]
astetcdir => ${dir}/etc
astmoddir => ${prefix}/lib/asterisk/modules
astvarlibdir => ${dir}/lib
astdbdir => ${dir}/db
astkeydir => ${dir}/keys
astdatadir => ${prefix}/var/lib/asterisk
astagidir => ${prefix}/var/lib/asterisk/agi-bin
astspooldir => ${dir}/spool
astrundir => ${dir}/run
astlogdir => ${dir}/log
astsbindir => ${prefix}/sbin

[options]
; No colours, no cached documentation, no sounds installed: tests use Playtones and SendDTMF.
nocolor = yes
transmit_silence = no
`;
}
