/**
 * Fixtures of the real-Asterisk tier: the repository's Playwright fixtures (a gateway and pages
 * with `<gag-phone>`), plus a real Asterisk 23 per worker whose configs are the cookbook's
 * (docs/asterisk.md) pointed at this worker's gateway, and per test an AMI connection that
 * originates the calls and watches Asterisk's events. The gateway's click-to-call goes through
 * this Asterisk's real AMI or ARI (`asteriskBackend`).
 * @packageDocumentation
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GatewayConfigInput } from '@gag/gateway';
import { findAsterisk } from '../scripts/asterisk.mjs';
import { s16leToFloat, type ToneAnalysis } from '../src/tones.js';
import { readWav } from '../src/wav.js';
import { TestAmi, type AmiMessage } from '../src/real-asterisk/ami.js';
import { RealAsterisk } from '../src/real-asterisk/process.js';
import { expect, expectTone, test as base, type ToneExpectation } from '../tests/fixtures.js';
import { freePort } from '../src/loopback.js';
import { DOC_SECRET, DOC_USER, labFiles, TEST_AMI, type LabPorts } from './test-dialplan.js';

export { expect };

/**
 * The level of Asterisk's `Playtones()`: a sine of peak 7219 (main/indications.c, "default to
 * -8db"), RMS 0.156, −16.2 dBFS.
 */
export const PLAYTONES_DBFS = 20 * Math.log10(7_219 / 32_768 / Math.SQRT2);

const COOKBOOK = resolve(dirname(fileURLToPath(import.meta.url)), '../../docs/asterisk.md');

/** How a test rings the phone through Asterisk. */
export interface RingOptions {
  /** The dialplan context the call enters (default `inhouse`, the cookbook's main one). */
  readonly context?: string;
  /** Caller ID of the call. */
  readonly from?: string;
  readonly name?: string;
  /** What the caller does once the phone answers: `tone` (440 Hz, records the phone) or `keys`. */
  readonly then?: 'tone' | 'keys';
}

/** A call a test originated: where its recording of the phone goes. */
export interface RealCall {
  readonly extension: string;
  /** The caller side's recording of what the phone sent (16 kHz WAV), complete once the call ended. */
  readonly rxFile: string;
  /** The caller hangs up (AMI Hangup of the originated half). */
  hangup(): Promise<void>;
}

/** What a real-Asterisk test gets. */
export interface RealFixtures {
  /** An AMI login that sees every event; every channel is hung up after the test. */
  ami: TestAmi;
  /** Ring `extension` through the dialplan, as a caller would. */
  ring(extension: string, options?: RingOptions): Promise<RealCall>;
  /** The next `DialEnd` (not taken before) of a Dial() to a channel matching `dest` (default: any WebSocket channel), with its `DialStatus`. */
  dialEnd(dest?: RegExp): Promise<AmiMessage>;
}

export interface RealWorkerFixtures {
  /** `ami` (default) or `ari`: how the gateway's click-to-call reaches this Asterisk. */
  asteriskBackend: 'ami' | 'ari';
  asteriskPorts: Omit<LabPorts, 'gateway' | 'recordings'>;
  realAsterisk: RealAsterisk;
}

let callCount = 0;

export const test = base.extend<RealFixtures, RealWorkerFixtures>({
  asteriskBackend: ['ami', { scope: 'worker', option: true }],
  asteriskPorts: [async ({}, use) => use({ ami: await freePort(), http: await freePort() }), { scope: 'worker' }],
  // The gateway as the cookbook's Asterisk expects it: Basic auth, click-to-call through the real AMI or ARI.
  gagGateway: [
    async ({ asteriskPorts, asteriskBackend }: { asteriskPorts: RealWorkerFixtures['asteriskPorts']; asteriskBackend: 'ami' | 'ari' }, use: (config: Partial<GatewayConfigInput>) => Promise<void>) =>
      use({
        asterisk_username: DOC_USER,
        asterisk_password: DOC_SECRET,
        ...(asteriskBackend === 'ami'
          ? { originate: 'ami', ami_port: asteriskPorts.ami, ami_username: DOC_USER, ami_secret: DOC_SECRET }
          : { originate: 'ari', ari_url: `http://127.0.0.1:${asteriskPorts.http}`, ari_username: DOC_USER, ari_password: DOC_SECRET }),
      }),
    { scope: 'worker' },
  ],
  realAsterisk: [
    async ({ gag, asteriskPorts }, use) => {
      const prefix = findAsterisk();
      if (prefix === undefined) throw new Error('no Asterisk: run `node e2e/scripts/asterisk.mjs` (builds it once) or set GAG_ASTERISK_PREFIX');
      const gateway = Number(new URL(gag.gateway.asteriskUrl).port);
      // The recordings folder is the instance's own, known once it starts: configs name it through a stand-in.
      const ports: LabPorts = { ...asteriskPorts, gateway, recordings: '@REC@' };
      const files = Object.fromEntries(Object.entries(labFiles(COOKBOOK, ports)));
      const asterisk = await RealAsterisk.start({ prefix, files, recordingsStandIn: '@REC@' });
      await use(asterisk);
      await asterisk.stop();
    },
    // Every test of the tier has it, asked for or not: the gateway logs in to its AMI or ARI.
    { scope: 'worker', timeout: 60_000, auto: true },
  ],
  ami: async ({ realAsterisk, asteriskPorts }, use) => {
    const ami = await TestAmi.connect({ port: asteriskPorts.ami, ...TEST_AMI });
    await use(ami);
    await realAsterisk.cli('channel request hangup all');
    await expect.poll(async () => (await realAsterisk.cli('core show channels count')).match(/(\d+) active channels?/)?.[1], { message: 'channels left in Asterisk' }).toBe('0');
    ami.close();
  },
  ring: async ({ ami, realAsterisk }, use) => {
    await use(async (extension, options = {}) => {
      const context = options.context ?? 'inhouse';
      const rec = realAsterisk.recording(`call-${++callCount}`);
      const callerId: Record<string, string> = options.from === undefined ? {} : { CallerID: `"${options.name ?? ''}" <${options.from}>` };
      const r = await ami.action({
        Action: 'Originate',
        // `/n`: the Local channel stays in the path, so the recording hears the phone to the end.
        Channel: `Local/${extension}@${context}/n`,
        Context: 'gag-test',
        Exten: options.then ?? 'tone',
        Priority: '1',
        Variable: `GAG_REC=${rec}`,
        Timeout: '60000',
        Async: 'true',
        ...callerId,
      });
      expect(r['Response'], `Originate: ${r['Message'] ?? ''}`).toBe('Success');
      return {
        extension,
        rxFile: `${rec}-rx.wav16`,
        hangup: async () => {
          const h = await ami.action({ Action: 'Hangup', Channel: `/^Local\\/${extension}@${context}-[0-9a-f]+;1$/` });
          expect(h['Response'], `Hangup: ${h['Message'] ?? ''}`).toBe('Success');
        },
      };
    });
  },
  dialEnd: async ({ ami }, use) => {
    const taken = new Set<AmiMessage>();
    await use(async (dest = /^WebSocket\//) => {
      const isNext = (e: AmiMessage): boolean => e['Event'] === 'DialEnd' && dest.test(e['DestChannel'] ?? '') && !taken.has(e);
      const found = await ami.waitFor(isNext, `DialEnd to ${String(dest)}`);
      taken.add(found);
      return found;
    });
  },
});

/** The bytes of Asterisk's WAV header (format_wav writes the canonical 44). */
const WAV_HEADER_BYTES = 44;

/**
 * A WAV file Asterisk is still writing: its header says 0 bytes of data until the file is
 * closed, so the audio is everything after the header, at the header's rate.
 */
function readGrowingWav(bytes: Buffer, file: string): { samples: Float32Array; rateHz: number } {
  const { rateHz } = readWav(bytes.subarray(0, WAV_HEADER_BYTES), file);
  const data = bytes.subarray(WAV_HEADER_BYTES, WAV_HEADER_BYTES + 2 * Math.floor((bytes.length - WAV_HEADER_BYTES) / 2));
  return { samples: s16leToFloat(data), rateHz };
}

/** What Asterisk has recorded in `file` so far (floats at the file's rate). */
export const recordedSoFar = (file: string): { samples: Float32Array; rateHz: number } => readGrowingWav(readFileSync(file), file);

/** The stretch of a recording a tone check analyses: half a second, ending half a second before its end. */
const LISTEN_S = 0.5;

/**
 * Wait (bounded) until the recording `file` ends in the tone: the phone's audio as Asterisk
 * heard it. Asterisk writes the file as the call goes, so the latest whole stretch is analysed.
 */
export function expectRecordedTone(file: string, expected: ToneExpectation): Promise<ToneAnalysis> {
  return expectTone(`Asterisk recorded ${basename(file)}`, async () => {
    if (!existsSync(file)) return undefined;
    const { samples, rateHz } = recordedSoFar(file);
    const end = samples.length - Math.round(LISTEN_S * rateHz);
    if (end < LISTEN_S * rateHz) return undefined;
    return { samples: samples.subarray(end - Math.round(LISTEN_S * rateHz), end), rateHz };
  }, { timeoutMs: 10_000, ...expected });
}
