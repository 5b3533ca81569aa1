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
export { BackoffPolicy, type ReconnectPolicy, type RetryContext, type RetryReason } from './originate/reconnect-policy.js';
export type { DialActivity, Dialer, DialOutcome, DialRequest, PendingDial } from './originate/dialer.js';
export type { Activity, ActivityEvents } from './calls/activity.js';
export type { RelayCounters } from './calls/relay-totals.js';
export type { MonitorEvent } from './http/monitor.js';
export type { CallView, SessionView } from './http/views.js';
