/**
 * `@gag/gateway`: start a gateway from code (the `gag-gateway` CLI does the same from files).
 * @packageDocumentation
 */
export { startGateway, type Gateway, type GatewayOptions } from './server.js';
export { loadGatewayConfig, parseGatewayConfig, devConfig } from './config/load.js';
export type { GatewayConfig, GatewayConfigInput } from './config/schema.js';
export { createTokenVerifier, mintToken, verifyToken, type TokenClaims, type TokenVerifier } from './access/token.js';
export { loadGroupsConfig, parseGroupsConfig, type GroupsConfig, type Group } from './config/groups.js';
export { ConfigError, TokenError } from './errors.js';
export { createLogger, type Logger, type LogLevel } from './log.js';
