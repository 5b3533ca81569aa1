/**
 * `@gag/gateway`: start a gateway from code (the `gag-gateway` CLI does the same from files).
 * @module @gag/gateway
 */
export { startGateway, type Gateway, type GatewayOptions } from './server.js';
export { loadGatewayConfig, parseGatewayConfig, devConfig } from './config/load.js';
export { DEFAULT_DIAL_NUMBER_PATTERN, type GatewayConfig, type GatewayConfigInput } from './config/schema.js';
export { createTokenVerifier, mintToken, verifyToken, type TokenClaims, type TokenVerifier, type VerifierConfig } from './access/token.js';
export { loadTokenKeys, type KeyConfig, type TokenKeys } from './access/keys.js';
export { loadGroupsConfig, parseGroupsConfig, type GroupsConfig, type Group } from './config/groups.js';
export { ConfigError, TokenError, type ConfigProblem, type TokenRefusal } from './errors.js';
export { createLogger, type Logger, type LogLevel } from './log.js';
export {
  BackoffPolicy,
  DEFAULT_RETRY_DELAYS_MS,
  LOGIN_FAILED_RETRY_MS,
  RETRY_JITTER,
  type BackoffOptions,
  type ReconnectPolicy,
  type RetryContext,
  type RetryReason,
} from './originate/reconnect-policy.js';
export { CLAIMED_DIAL_IDS_KEPT, type DialActivity, type Dialer, type DialOutcome, type DialRequest, type PendingDial } from './originate/dialer.js';
export type { Activity, ActivityEvents, ForkActivity } from './calls/activity.js';
export type { RelayCounters } from './calls/relay-totals.js';
export type { MonitorEvent, MonitorFrame } from './http/monitor.js';
export type { CallSupervisorView, CallView, SessionView } from './http/views.js';
