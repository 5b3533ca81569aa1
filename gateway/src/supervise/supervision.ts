/**
 * One supervisor in one call (issue 21), as a listener on the call's tap: it hears the caller and
 * the agent mixed, and, in `whisper`, speaks into what the agent hears, in `barge` also into what
 * Asterisk gets. The caller's 20 ms frames (paced by Asterisk) are the clock of the supervisor's
 * ear: each one is mixed with the agent's audio queued since (the agent's packets are 20–60 ms).
 * The supervisor's own packets wait in two queues, one drained by each leg's frames, so its voice
 * plays on the call's clocks and never holds a frame back. Mixing decodes into scratch buffers
 * made once (the audio path allocates nothing per frame). A mode change keeps the listener: no gap.
 * @packageDocumentation
 */
import { bytesPerSampleOf, frameBytesOf, frameSamplesOf, rateHzOf, type SuperviseMode, type WireFormat } from '@gag/sdk/protocol';
import type { Phone } from '../browser/phone.js';
import type { Call } from '../calls/call.js';
import type { TapListener, Track } from '../calls/call-tap.js';
import { decodeInto, encodeInto } from '../media/pcm-mix.js';
import { SampleRing } from '../media/sample-ring.js';

/** The most audio a voice may queue ahead of the clock that drains it, ms; past it the oldest is dropped. */
export const MAX_SUPERVISE_QUEUE_MS = 200;
/** Packets of this many frames or fewer (60 ms) are mixed into buffers made once; longer ones (never from our SDK) into new ones. */
const CACHED_PACKET_FRAMES = 3;

/** Why a supervision ended, as `supervise_ended.reason` says it. */
export type SuperviseEndReason = 'left' | 'call_ended' | 'not_allowed';

/** What a supervision needs: the call, the supervisor's phone, the first mode, and whom to tell at its end. */
export interface SupervisionOptions {
  readonly call: Call;
  readonly supervisor: Phone;
  readonly mode: SuperviseMode;
  /** After the end (the call's or a leave): called once, after `supervise_ended` was sent. */
  readonly onEnd: (supervision: Supervision) => void;
}

/**
 * A supervisor's place in a call.
 * @example
 * const s = new Supervision({ call, supervisor: phone, mode: 'listen', onEnd });
 * call.tap.attach(s);
 * s.setMode('whisper'); // later: the supervisor's voice reaches the agent
 */
export class Supervision implements TapListener {
  readonly call: Call;
  readonly supervisor: Phone;
  readonly #format: WireFormat;
  readonly #frameBytes: number;
  readonly #frameSamples: number;
  readonly #bytesPerSample: number;
  #mode: SuperviseMode;
  readonly #onEnd: (supervision: Supervision) => void;
  /** The agent's audio, waiting for the caller's frames (the ear's clock). */
  readonly #agent: SampleRing;
  /** The supervisor's voice towards the agent (whisper, barge), drained by the caller's frames. */
  readonly #toAgent: SampleRing;
  /** The supervisor's voice towards the caller (barge), drained by the agent's packets. */
  readonly #toCaller: SampleRing;
  /** One frame of the ear's mix, and the frame it is encoded into (sent, then reused: the socket copies it). */
  readonly #ear: Int16Array;
  readonly #earOut: Buffer;
  /** Scratch for mixing a voice into a packet of up to CACHED_PACKET_FRAMES frames, and the encoded packets by frame count. */
  readonly #scratch: Int16Array;
  readonly #packets: (Buffer | undefined)[] = [];
  #endReason: SuperviseEndReason | undefined;
  #ended = false;

  constructor(options: SupervisionOptions) {
    this.call = options.call;
    this.supervisor = options.supervisor;
    this.#mode = options.mode;
    this.#onEnd = options.onEnd;
    const format = (this.#format = options.call.format);
    this.#frameBytes = frameBytesOf(format);
    this.#frameSamples = frameSamplesOf(format);
    this.#bytesPerSample = bytesPerSampleOf(format);
    const queueSamples = (MAX_SUPERVISE_QUEUE_MS * rateHzOf(format)) / 1000;
    this.#agent = new SampleRing(format, queueSamples);
    this.#toAgent = new SampleRing(format, queueSamples);
    this.#toCaller = new SampleRing(format, queueSamples);
    this.#ear = new Int16Array(this.#frameSamples);
    this.#earOut = Buffer.alloc(this.#frameBytes);
    this.#scratch = new Int16Array(this.#frameSamples * CACHED_PACKET_FRAMES);
  }

  get mode(): SuperviseMode {
    return this.#mode;
  }

  /** Switch mode in place (the ear goes on without a gap); a voice the new mode does not send is dropped. */
  setMode(mode: SuperviseMode): void {
    this.#mode = mode;
    if (mode !== 'barge') this.#toCaller.clear();
    if (mode === 'listen') this.#toAgent.clear();
  }

  /** The supervisor's audio (whole frames of the call's codec, checked by its session): queued for the sides its mode reaches. */
  voice(frames: Buffer): void {
    if (this.#mode === 'listen') return;
    this.#toAgent.pushEncoded(frames);
    if (this.#mode === 'barge') this.#toCaller.pushEncoded(frames);
  }

  /** Leave the call (the call goes on): `supervise_ended` with `reason` follows at once. */
  leave(reason: SuperviseEndReason): void {
    if (this.#ended) return;
    this.#endReason = reason;
    this.call.tap.detach(this); // runs end()
  }

  audio(track: Track, frames: Buffer): void {
    if (track === 'agent') return this.#agent.pushEncoded(frames);
    // The caller's frames drive the ear, one 20 ms frame at a time.
    for (let at = 0; at + this.#frameBytes <= frames.length; at += this.#frameBytes) {
      decodeInto(this.#format, frames, at, this.#ear, 0, this.#frameSamples);
      this.#agent.mixInto(this.#ear, 0, this.#frameSamples);
      encodeInto(this.#format, this.#ear, 0, this.#earOut, 0, this.#frameSamples);
      this.supervisor.sendAudio(this.#earOut);
    }
  }

  mix(track: Track, frames: Buffer): Buffer {
    // `caller` frames go to the agent; `agent` frames go to Asterisk (the caller).
    if (track === 'caller') return this.#mode === 'listen' ? frames : this.#mixVoice(this.#toAgent, frames);
    return this.#mode === 'barge' ? this.#mixVoice(this.#toCaller, frames) : frames;
  }

  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.supervisor.send({ type: 'supervise_ended', callId: this.call.id, reason: this.#endReason ?? 'call_ended' });
    this.#onEnd(this);
  }

  /** `frames` with the next queued voice mixed in; `frames` itself while the voice has nothing to play. */
  #mixVoice(voice: SampleRing, frames: Buffer): Buffer {
    if (!voice.ready) return frames;
    const samples = frames.length / this.#bytesPerSample;
    const frameCount = frames.length / this.#frameBytes;
    const cached = frameCount <= CACHED_PACKET_FRAMES;
    const scratch = cached ? this.#scratch : new Int16Array(samples);
    const out = cached ? (this.#packets[frameCount] ??= Buffer.alloc(frames.length)) : Buffer.alloc(frames.length);
    decodeInto(this.#format, frames, 0, scratch, 0, samples);
    voice.mixInto(scratch, 0, samples);
    encodeInto(this.#format, scratch, 0, out, 0, samples);
    return out;
  }
}
