/**
 * The peers of the supervisor tests (issue 21): supervisors' and agents' gag.v1 sessions logged
 * in with the tokens and `hello.features` a test asks for, and what they heard measured by tone.
 */
import { once } from 'node:events';
import { decodeSamples } from '@gag/e2e';
import { goertzelAmplitude } from '@gag/e2e/tones';
import { mintToken } from '@gag/gateway';
import { CLIENT_FEATURES, frameBytesOf, rateHzOf, type WireFormat } from '@gag/sdk/protocol';
import { TEST_SECRET, type TestGateway } from '@gag/testkit/gateway';
import { TestPhone } from '@gag/testkit/phone';

const peers: TestPhone[] = [];

/** Close every peer {@link login} made (a test file's `afterEach`, before the gateway stops). */
export function closePeers(): void {
  for (const p of peers.splice(0)) p.close();
}

/**
 * A logged-in gag.v1 session of `extension`: a supervisor's token (`gag_role: "supervisor"`)
 * when `supervisor`, an agent's otherwise; `callNotices` lists `call_notices` in `hello.features`.
 */
export async function login(t: Pick<TestGateway, 'gw'>, extension: string, options: { supervisor?: boolean; callNotices?: boolean } = {}): Promise<TestPhone> {
  const token = await mintToken({ secret: TEST_SECRET, extension, ttlSeconds: 60, supervisor: options.supervisor === true });
  const phone = new TestPhone(t.gw.browserUrl);
  peers.push(phone);
  await once(phone.ws, 'open', { signal: AbortSignal.timeout(2_000) });
  phone.send({ type: 'hello', token, ...(options.callNotices === true ? { features: [CLIENT_FEATURES.CALL_NOTICES] } : {}) });
  phone.welcome = await phone.next('welcome');
  return phone;
}

/** The token a supervisor of `extension` logs in with (for tests that look for it in the log). */
export const supervisorToken = (extension: string): Promise<string> => mintToken({ secret: TEST_SECRET, extension, ttlSeconds: 60, supervisor: true });

/** The audio of `packets[from…to)` (BINARY messages of whole frames) decoded to floats. */
export function heard(packets: readonly Buffer[], format: WireFormat, from = 0, to = packets.length): Float32Array {
  const s16 = decodeSamples(format, Buffer.concat(packets.slice(from, to)));
  return Float32Array.from(s16, (s) => s / 32_768);
}

/** Goertzel amplitude of `hz` in `samples` of `format`. */
export const amplitudeOf = (samples: Float32Array, hz: number, format: WireFormat): number => goertzelAmplitude(samples, hz, rateHzOf(format));

/** `amplitude` against `expected`, in dB. */
export const dbOff = (amplitude: number, expected: number): number => 20 * Math.log10(Math.max(amplitude, 1e-9) / expected);

/**
 * The amplitude of `hz` in every `windowMs` window of `samples` (a gap, a frame of silence,
 * shows as a window well below the tone's level).
 */
export function windowAmplitudes(samples: Float32Array, hz: number, format: WireFormat, windowMs = 100): number[] {
  const size = (rateHzOf(format) * windowMs) / 1000;
  const out: number[] = [];
  for (let at = 0; at + size <= samples.length; at += size) out.push(amplitudeOf(samples.subarray(at, at + size), hz, format));
  return out;
}

/** Frames (20 ms) in `packets`. */
export const framesIn = (packets: readonly Buffer[], format: WireFormat): number => packets.reduce((n, p) => n + p.length / frameBytesOf(format), 0);
