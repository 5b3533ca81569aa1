/**
 * `@gag/e2e/tones`: the tone tools alone (sine generation, Goertzel analysis, levels, the DTMF
 * decoder), with nothing that needs Node or a socket, so that browser tests can import them too.
 * The package root exports the same functions.
 * @packageDocumentation
 */
export * from './tones.js';
export { DTMF_KEYS, decodeDtmf } from './dtmf.js';
export type { DecodedTone, DtmfDecoding } from './dtmf.js';
