/**
 * The click-to-call backend the config names (`originate`): AMI, ARI, or none.
 * @packageDocumentation
 */
import type { GatewayConfig } from '../config/schema.js';
import { ConfigError } from '../errors.js';
import type { Logger } from '../log.js';
import { AmiOriginator } from './ami.js';
import { AriOriginator } from './ari.js';
import type { Originator } from './originator.js';
import type { ReconnectPolicy } from './reconnect-policy.js';

/**
 * Build (not start) the backend of `config`; undefined when `originate` is `none`.
 * @param file the config file's name, for errors.
 * @throws ConfigError when the backend's credentials are missing (the schema already refuses that).
 * @example
 * const originator = createOriginator(config, '(config)', log);
 * originator?.start();
 */
export function createOriginator(config: GatewayConfig, file: string, log: Logger, amiPolicy?: ReconnectPolicy): Originator | undefined {
  const required = (key: 'ami_username' | 'ami_secret' | 'ari_username' | 'ari_password'): string => {
    const value = config[key];
    if (value === undefined) throw new ConfigError({ file, key, fix: `is required with "originate": "${config.originate}"` });
    return value;
  };
  switch (config.originate) {
    case 'none':
      return undefined;
    case 'ami':
      return new AmiOriginator({
        host: config.ami_host,
        port: config.ami_port,
        username: required('ami_username'),
        secret: required('ami_secret'),
        log,
        ...(amiPolicy === undefined ? {} : { policy: amiPolicy }),
      });
    case 'ari':
      return new AriOriginator({ url: config.ari_url, username: required('ari_username'), password: required('ari_password'), log });
  }
}
