/**
 * The test-side DTMF receiver, shared by the Node and browser tests: the one detector lives in
 * the fake-Asterisk library (e2e/src/dtmf.ts), which also checks the keys a browser sends in the
 * audio Asterisk receives.
 */
export { decodeDtmf, type DecodedTone, type DtmfDecoding } from '../../e2e/src/dtmf.js';
