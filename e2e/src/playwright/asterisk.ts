/**
 * The fake Asterisk as a test drives it: calls dialled the way a dialplan dials an extension, and
 * expectations on what Asterisk saw of each call (its answer, its audio, its DTMF, its hangup).
 * @packageDocumentation
 */
import { expect } from '@playwright/test';
import { FRAME_MS, rateHzOf } from '@gag/sdk/protocol';
import { FakeAsterisk, type CallEnd, type FakeCall } from '../fake-asterisk/client.js';
import { dialExtension, type ExtensionDialOptions } from '../fake-asterisk/dial-extension.js';
import type { Recorder } from '../fake-asterisk/recorder.js';
import { silence, tone, type AudioSource } from '../fake-asterisk/sources.js';
import type { ToneAnalysis } from '../tones.js';
import { expectTone, type ToneExpectation } from './audio-expect.js';

/**
 * How a call is dialled (as GAG's documented dialplans dial: see {@link dialExtension}) and what
 * the caller says. `format: 'json'` dials docs/migrating-from-goastgateway.md's JSON dialplan:
 * `f(json)` to the one client `ws-ext-endpoint`, the extension in channel variable `WS_EXTEN`.
 * @example const call = await asterisk.call('2001', { from: '0312345678', name: 'Tanaka', play: 440 });
 */
export interface CallOptions extends ExtensionDialOptions {
  /** What the caller sends once answered: an audio source, or the Hz of a tone at amplitude 0.5. Default: silence. */
  readonly play?: AudioSource | number;
}

/**
 * The level of a sine at amplitude 0.5, the level of the test tones: RMS 0.354, −9.03 dBFS.
 * @example await phone.expectAudio({ hz: 440, dbfs: TONE_DBFS });
 */
export const TONE_DBFS = 20 * Math.log10(0.5 / Math.SQRT2);
/** The stretch of received audio an audio check analyses: the latest half second. */
const LISTEN_MS = 500;

const sourceOf = (play: AudioSource | number): AudioSource => (typeof play === 'number' ? tone(play, { amplitude: 0.5 }) : play);

/**
 * One call from the fake Asterisk, with what Asterisk saw of it.
 * @example
 * const call = await asterisk.call('2001', { from: '0312345678', play: 440 });
 * await call.expectAnswered();
 * await call.expectAudio({ hz: 1000 }); // the browser's microphone
 * await call.hangup();
 */
export class AsteriskCall {
  /** The fake Asterisk's call underneath, for everything else (`received`, `on('audio')`…). */
  readonly fake: FakeCall;
  /** The extension the call is for. */
  readonly extension: string;

  /** @internal Made by {@link GagAsterisk.call}. */
  constructor(fake: FakeCall, extension: string) {
    this.fake = fake;
    this.extension = extension;
  }

  /** `ringing`, `up` or `ended`. */
  get state(): FakeCall['state'] {
    return this.fake.state;
  }
  /** The commands the gateway sent, e.g. `['ANSWER', 'HANGUP']`. */
  get commands(): readonly string[] {
    return this.fake.commands;
  }
  /** The audio Asterisk took from the gateway, with its analysis helpers. */
  get received(): Recorder {
    return this.fake.received;
  }
  /** Resolves when the call is over, however it ended. */
  get ended(): Promise<CallEnd> {
    return this.fake.ended;
  }

  /** What the caller sends from now on: an audio source, or the Hz of a tone at amplitude 0.5. */
  play(source: AudioSource | number): void {
    this.fake.play(sourceOf(source));
  }

  /** The caller hangs up (Asterisk closes the call's WebSocket). */
  hangup(): Promise<CallEnd> {
    return this.fake.hangup();
  }

  /** The caller presses keys: one DTMF_END per digit. */
  sendDtmf(digits: string): void {
    this.fake.sendDtmf(digits);
  }

  /** Wait until the gateway answered (a phone took the call). */
  async expectAnswered(): Promise<void> {
    await expect.poll(() => this.fake.state, { message: `the call to ${this.extension} is answered` }).not.toBe('ringing');
    expect(this.fake.state, `the call to ${this.extension} ended before it was answered (commands: ${this.commands.join(', ') || 'none'})`).toBe('up');
  }

  /**
   * Wait until what Asterisk receives from the phone is the tone (the browser's microphone):
   * frequency within 2 %, level within 3 dB of `dbfs` when given, over the latest half second.
   */
  expectAudio(expected: ToneExpectation): Promise<ToneAnalysis> {
    const received = this.fake.received;
    return expectTone(
      `Asterisk receives from ${this.extension}`,
      async () => {
        const totalMs = received.frames * FRAME_MS;
        if (totalMs < LISTEN_MS) return undefined;
        return { samples: received.samples({ fromMs: totalMs - LISTEN_MS }), rateHz: rateHzOf(received.codec) };
      },
      expected,
    );
  }

  /** Wait until the keys detected in the audio Asterisk received (in-band DTMF) are `digits`. */
  async expectDtmf(digits: string, options: { fromMs?: number; timeoutMs?: number } = {}): Promise<void> {
    const range = options.fromMs === undefined ? {} : { fromMs: options.fromMs };
    await expect
      .poll(() => this.fake.received.dtmf(range).digits, { timeout: options.timeoutMs ?? 5_000, message: `DTMF Asterisk received from ${this.extension}` })
      .toBe(digits);
  }

  /**
   * Wait until the keys pressed on this call's channel out of band (the gateway's AMI `PlayDTMF`
   * with `Receive`, what a `Read()` on the caller's side would get) are `digits`, in order.
   */
  async expectDtmfOutOfBand(digits: string, options: { timeoutMs?: number } = {}): Promise<void> {
    await expect
      .poll(() => this.fake.dtmfReceived, { timeout: options.timeoutMs ?? 5_000, message: `DTMF pressed on ${this.extension}'s channel over AMI` })
      .toBe(digits);
  }

  /** Wait until the gateway hung the call up (the HANGUP command); returns how it closed. */
  async expectHangup(): Promise<CallEnd> {
    await expect.poll(() => this.fake.state, { message: `the call to ${this.extension} is hung up` }).toBe('ended');
    const end = await this.fake.ended;
    expect(end.by, `how the call to ${this.extension} ended (commands: ${this.commands.join(', ')})`).toBe('app-hangup');
    return end;
  }
}

/**
 * The fake Asterisk of one test: dials the gateway's Asterisk port like `Dial(WebSocket/…)`.
 * @example
 * const call = await asterisk.call('2001', { from: '0312345678', name: 'Tanaka' });
 */
export class GagAsterisk {
  /** The fake Asterisk underneath (`fake.call(connectionId, options)` dials any way you like). */
  readonly fake: FakeAsterisk;

  /** @param url the gateway's Asterisk side (`gag.gateway.asteriskUrl`). */
  constructor(url: string) {
    this.fake = new FakeAsterisk({ url });
  }

  /**
   * Ring `extension` (or a group's name) and resolve once the gateway has the call (MEDIA_START
   * sent). Whether a phone rings is for `phone.expectRinging()` to say.
   * @throws GagError `GAG_NOT_CONNECTED` when the gateway refuses the connection.
   */
  async call(extension: string, options: CallOptions = {}): Promise<AsteriskCall> {
    const { play, ...dial } = options;
    const fake = await dialExtension(this.fake, extension, dial);
    // A caller on a phone sends frames even when quiet (a real Asterisk sends none for a silent dialplan).
    fake.play(sourceOf(play ?? silence()));
    return new AsteriskCall(fake, extension);
  }

  /** Hang up every call (the caller side) and wait until their sockets are closed. */
  close(): Promise<void> {
    return this.fake.close();
  }
}
