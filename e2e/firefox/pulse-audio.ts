/**
 * A private PulseAudio with a null sink, for one test run. Firefox plays Web Audio only through a
 * sound server: without one its AudioContext stays `suspended` and its clock never moves, so the
 * page could not play (or be measured playing) anything. The null sink keeps real time and makes
 * no sound; nothing of the user's own sound setup is used or touched.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** A running private PulseAudio. */
export interface PulseAudio {
  /** For the browser's environment: `PULSE_SERVER=<server>`. */
  readonly server: string;
  /** Stop it and remove its runtime directory. */
  close(): Promise<void>;
}

/** The sink's rate, which Firefox's AudioContext takes on (Chromium's tests run at 44.1 kHz). */
export const SINK_RATE_HZ = 48_000;
const READY_MS = 10_000;
const STOP_MS = 3_000;

const canConnect = (path: string): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(path);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

/**
 * Start `pulseaudio` in the foreground with its state in a fresh temporary directory, a unix
 * socket that needs no cookie, and one null sink; resolves once the socket accepts connections.
 * @param executable the `pulseaudio` binary (see `findPulseAudio()` in e2e/scripts/firefox.mjs)
 * @throws Error when it exits or does not listen within 10 s, with what it printed.
 */
export async function startPulseAudio(executable: string): Promise<PulseAudio> {
  const dir = mkdtempSync(join(tmpdir(), 'gag-pulse-'));
  const socketPath = join(dir, 'native');
  const child = spawn(
    executable,
    [
      '--daemonize=no',
      '-n', // no default.pa: only the modules below
      '--use-pid-file=no',
      '--exit-idle-time=-1',
      '--disallow-exit',
      '--log-target=stderr',
      // The sink first: once the socket accepts connections, there is something to play to.
      `--load=module-null-sink sink_name=gag_null rate=${SINK_RATE_HZ}`,
      `--load=module-native-protocol-unix socket=${socketPath} auth-anonymous=1`,
    ],
    {
      // Its state and runtime files stay in `dir`; no D-Bus session or display is passed on.
      env: { PATH: process.env['PATH'] ?? '', HOME: dir, XDG_RUNTIME_DIR: dir, XDG_CONFIG_HOME: dir },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let log = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (log = (log + chunk).slice(-4_000)));
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', (e) => void ((log += String(e)), resolve())); // could not be started at all
  });
  let running = true;
  // A worker that exits without running its teardown still takes its server along.
  const onExit = (): void => void (child.kill('SIGKILL'), rmSync(dir, { recursive: true, force: true }));
  process.once('exit', onExit);
  void exited.then(() => (running = false));
  const stop = async (): Promise<void> => {
    process.removeListener('exit', onExit);
    if (running) {
      child.kill('SIGTERM');
      if (!(await Promise.race([exited.then(() => true), sleep(STOP_MS, false)]))) child.kill('SIGKILL');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + READY_MS;
  while (!(await canConnect(socketPath))) {
    if (!running || Date.now() > deadline) {
      await stop();
      throw new Error(`pulseaudio did not start (${running ? 'no socket after 10 s' : `exited ${child.exitCode}`}):\n${log}`);
    }
    await sleep(50);
  }
  return { server: `unix:${socketPath}`, close: stop };
}
