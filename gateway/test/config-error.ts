/** The ConfigError that parsing `json` as goastgateway.json throws (fails the test if none). */
import { parseGatewayConfig } from '../src/config/load.js';
import { ConfigError } from '../src/errors.js';

/** A valid secret, to test one other key at a time. */
export const SECRET = { jwt_secret: 'x'.repeat(32) };

export function configError(json: unknown): ConfigError {
  try {
    parseGatewayConfig('goastgateway.json', json);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('no ConfigError');
}
