/**
 * The credentials the config names, read at start-up and by `--check-config`: the TLS
 * certificate and key of wss:// and the keys that verify browser tokens.
 * @packageDocumentation
 */
import { loadTls, type TlsFiles } from '../config/load.js';
import type { GatewayConfig } from '../config/schema.js';
import { checkRecordingDir } from '../config/recording-dir.js';
import { loadTokenKeys, type TokenKeys } from './keys.js';

/** What the config's files hold, read at start-up. */
export interface ConfigFiles {
  /** Undefined when `cert_file`/`key_file` are not set (plain ws://). */
  readonly tls: TlsFiles | undefined;
  readonly tokenKeys: TokenKeys;
}

/**
 * Read every file the config names, as start-up and `--check-config` do.
 * @param file the config file's name, for errors.
 * @throws ConfigError naming the key whose file is missing or unusable.
 * @example
 * const { tls, tokenKeys } = await loadConfigFiles(config, 'goastgateway.json');
 */
export async function loadConfigFiles(config: GatewayConfig, file: string): Promise<ConfigFiles> {
  const tls = await loadTls(config, file);
  await checkRecordingDir(config, file);
  return { tls, tokenKeys: await loadTokenKeys(config, file) };
}
