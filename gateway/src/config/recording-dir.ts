/**
 * `recording_dir` checked where the other files of the config are (start-up and `--check-config`):
 * the folder exists, or is created, and the gateway may write in it.
 * @packageDocumentation
 */
import { access, constants, mkdir } from 'node:fs/promises';
import { ConfigError } from '../errors.js';
import type { GatewayConfig } from './schema.js';

/**
 * Make sure `recording_dir` exists and is writable (start-up and `--check-config`).
 * @throws ConfigError naming `recording_dir` and the fix.
 * @example await checkRecordingDir(config, 'goastgateway.json');
 */
export async function checkRecordingDir(config: Pick<GatewayConfig, 'recording_dir'>, file: string): Promise<void> {
  const dir = config.recording_dir;
  if (dir === undefined) return;
  try {
    await mkdir(dir, { recursive: true, mode: 0o750 });
    await access(dir, constants.W_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigError({ file, key: 'recording_dir', fix: `${dir} cannot be created or written (${code}) — create the folder and give the gateway's user write access to it` }, { cause: e });
  }
}
