/**
 * `@gag/sdk`: a browser phone for Asterisk over one WebSocket.
 * @packageDocumentation
 */
export { GagClient, type GagClientOptions, type GagClientEvents, type ConnectionState, type Disconnect } from './client.js';
export { Call, type CallEvents } from './call.js';
export { GagError, type GagErrorCode } from './errors.js';
export type { CallState } from './call-machine.js';
export type { EndReason } from './protocol.js';
export type { GagLogger } from './logger.js';
export { DefaultReconnectPolicy, type ReconnectPolicy, type ReconnectContext } from './reconnect-policy.js';
