/**
 * A real gateway on loopback port 0 and a scripted `gag.v1` phone logged in to it (the gateway
 * tests' TestPhone): it answers every call, sends a tone as its microphone at real time, and
 * keeps what it hears and the DTMF it is told about. For tests of the fake Asterisk through a
 * gateway, as a person would use it.
 */
import { createLogger, devConfig, mintToken, startGateway, type Gateway } from '@gag/gateway';
import { FRAME_MS, frameSamplesOf, rateHzOf, type ServerMessage, type WireFormat } from '@gag/sdk/protocol';
import { TEST_ORIGIN, TestPhone } from '@gag/testkit/phone';
import { decodeSamples, encodeSamples, fillSineS16 } from '../src/index.js';

/** What the phone's microphone sends: a sine at amplitude 0.5 (−9.03 dBFS). */
export const PHONE_TONE = { hz: 1_000, amplitude: 0.5 } as const;

/** The microphone's keys start after this many frames of tone (1 s). */
const KEYS_AFTER_FRAMES = 50;
/** Row and column frequencies of the keys the tests press (ITU-T Q.23). */
const DTMF_HZ: Readonly<Record<string, readonly [number, number]>> = { '4': [770, 1209], '2': [697, 1336], '#': [941, 1477] };

/** A phone that answers: what it heard and was told, per call. */
export class AnsweringPhone {
  readonly phone: TestPhone;
  /** The codec of the current (or last) call, from `incoming`. */
  format: WireFormat = 'slin16';
  /** DTMF digits the gateway relayed, in order. */
  readonly dtmf: string[] = [];
  readonly ended: Array<Extract<ServerMessage, { type: 'ended' }>> = [];
  /**
   * Keys the microphone sends in-band once it has sent its tone for a second: each 80 ms of the
   * key's two frequencies (at amplitude 0.25 each) and 80 ms of silence, then the tone again.
   */
  inBandKeys = '';
  #timer: NodeJS.Timeout | undefined;

  constructor(phone: TestPhone) {
    this.phone = phone;
    phone.ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const message = JSON.parse(String(data)) as ServerMessage;
      if (message.type === 'incoming') this.#answer(message);
      if (message.type === 'answered') this.#startTalking();
      if (message.type === 'dtmf') this.dtmf.push(message.digit);
      if (message.type === 'ended') {
        this.ended.push(message);
        this.#stopTalking();
      }
    });
    phone.ws.on('close', () => this.#stopTalking());
  }

  /** Everything heard so far, decoded from the call's codec to floats at its rate. */
  heard(): { samples: Float32Array; rateHz: number } {
    const s16 = decodeSamples(this.format, Buffer.concat(this.phone.audio));
    return { samples: Float32Array.from(s16, (s) => s / 32_768), rateHz: rateHzOf(this.format) };
  }

  #answer(incoming: Extract<ServerMessage, { type: 'incoming' }>): void {
    this.format = incoming.format ?? 'slin16';
    this.phone.audio.length = 0;
    this.phone.send({ type: 'answer', callId: incoming.callId });
  }

  /** Once `answered`: the gateway takes audio of the call's codec only while the call is talking. */
  #startTalking(): void {
    const format = this.format;
    const frame = new Int16Array(frameSamplesOf(format));
    this.#stopTalking();
    let n = 0;
    this.#timer = setInterval(() => {
      this.#fillMicrophone(frame, rateHzOf(format), n++);
      if (this.phone.ws.readyState === this.phone.ws.OPEN) this.phone.ws.send(encodeSamples(format, frame));
    }, FRAME_MS);
  }

  /** Frame `n` of the call: the tone, or a key of {@link inBandKeys} (8 frames a key: 4 on, 4 off). */
  #fillMicrophone(frame: Int16Array, rateHz: number, n: number): void {
    const keyFrame = n - KEYS_AFTER_FRAMES;
    const key = keyFrame >= 0 ? this.inBandKeys[Math.floor(keyFrame / 8)] : undefined;
    if (key === undefined) return fillSineS16(frame, PHONE_TONE.hz, rateHz, PHONE_TONE.amplitude, n * frame.length);
    if (keyFrame % 8 >= 4) return void frame.fill(0);
    const [rowHz = 0, columnHz = 0] = DTMF_HZ[key] ?? [];
    const row = new Int16Array(frame.length);
    fillSineS16(row, rowHz, rateHz, 0.25, n * frame.length);
    fillSineS16(frame, columnHz, rateHz, 0.25, n * frame.length);
    for (let i = 0; i < frame.length; i++) frame[i] = (frame[i] ?? 0) + (row[i] ?? 0);
  }

  #stopTalking(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  close(): void {
    this.#stopTalking();
    this.phone.close();
  }
}

/** A gateway with one answering phone logged in as `extension`. */
export interface GatewayWithPhone {
  readonly gateway: Gateway;
  readonly phone: AnsweringPhone;
  stop(): Promise<void>;
}

/** Start a gateway on 127.0.0.1 and log an answering phone in to it. */
export async function startGatewayWithPhone(extension = '2001'): Promise<GatewayWithPhone> {
  const config = devConfig({ asterisk_addr: '127.0.0.1:0', browser_addr: '127.0.0.1:0', allowed_origins: [TEST_ORIGIN], log_level: 'silent' });
  const gateway = await startGateway(config, { log: createLogger('silent') });
  const token = await mintToken({ secret: config.jwt_secret, extension, ttlSeconds: 60 });
  const phone = new AnsweringPhone(await TestPhone.login(gateway.browserUrl, token));
  return {
    gateway,
    phone,
    async stop() {
      phone.close();
      await gateway.close();
    },
  };
}
