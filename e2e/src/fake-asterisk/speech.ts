/**
 * A speech-like test signal: not speech, but with the properties of speech that a pure tone
 * lacks, for testing what a tone makes too easy — jitter buffers and packet loss concealment
 * (a syllable's onset, a pause's end), level meters and automatic gain (a signal whose short-term
 * level swings by 40 dB), voice activity detection and comfort noise (pauses of digital silence).
 *
 * What it is, reproducibly from a seed: talkspurts of 3–7 syllables (120–260 ms each, 20–60 ms
 * dips between them, about 4 syllables a second) separated by pauses of 300–900 ms of silence.
 * Each syllable is a vowel — harmonics of a pitch around 120 Hz (`pitchHz`) that falls through the syllable,
 * shaped by the vowel's three formants (/a/, /i/, /u/, /e/ or /o/) and a −6 dB/octave tilt, below
 * 3.8 kHz so it is the same at 8 and 16 kHz — often led by a 20–40 ms noise burst (a consonant),
 * with a 25 ms attack and a 50 ms release. The level is the active speech level (RMS over the
 * syllables, as ITU-T P.56 measures speech), −20 dBFS by default.
 * @packageDocumentation
 */
import { GagError } from '@gag/sdk/protocol';
import { clipSource, type AudioSource } from './sources.js';

/**
 * Options of {@link speechLike} and {@link speechLikeSignal}.
 * @example call.play(speechLike({ seed: 2, levelDbfs: -20 }));
 */
export interface SpeechLikeOptions {
  /** Which signal: the same seed gives the same samples (at the same rate). Default 1. */
  readonly seed?: number;
  /** Active speech level: the RMS over the syllables, dBFS (−60 to −16: its peaks stand up to 15 dB above it). Default −20. */
  readonly levelDbfs?: number;
  /** Length of the signal, which {@link speechLike} loops (1 s to 10 min). Default 10 s. */
  readonly durationMs?: number;
  /** The voice's average pitch (60–400 Hz). Default 120. */
  readonly pitchHz?: number;
}

/** The five vowels' formants F1, F2, F3 (Hz; Peterson & Barney's averages for men). */
const VOWELS: ReadonlyArray<readonly [number, number, number]> = [
  [730, 1090, 2440], // a
  [270, 2290, 3010], // i
  [300, 870, 2240], // u
  [530, 1840, 2480], // e
  [570, 840, 2410], // o
];
/** Formant bandwidths (Hz) and relative gains. */
const FORMANT_BANDWIDTH_HZ = [90, 110, 170] as const;
const FORMANT_GAIN = [1, 0.5, 0.25] as const;
/** Nothing above this: the band of a telephone at 8 kHz, so both codec rates carry the same signal. */
const TOP_HZ = 3_800;
const ATTACK_MS = 25;
const RELEASE_MS = 50;
/** The loudest active level: the peaks stand up to 15 dB above it (a low voice's pulse-like waveform). */
const MAX_LEVEL_DBFS = -16;
/** A consonant's noise, quieter than the vowel's harmonics. */
const HISS_GAIN = 0.15;
/** Harmonic amplitudes follow the pitch and are recomputed this often. */
const BLOCK_MS = 5;

/** One syllable on the timeline, in ms. */
interface Syllable {
  readonly startMs: number;
  readonly durationMs: number;
  readonly consonantMs: number;
  readonly vowel: readonly [number, number, number];
  readonly pitchStartHz: number;
  readonly pitchEndHz: number;
}

/** mulberry32: a small, fast 32-bit PRNG; uniform in [0, 1). Deterministic per seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** The options with their defaults, each checked. */
function settings(options: SpeechLikeOptions): Required<SpeechLikeOptions> {
  const { seed = 1, levelDbfs = -20, durationMs = 10_000, pitchHz = 120 } = options;
  const check = (ok: boolean, option: string, expected: string, got: unknown): void => {
    if (!ok) throw new GagError('GAG_OPTIONS_INVALID', `speechLike: '${option}' must be ${expected}. Got '${String(got)}'`);
  };
  check(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32, 'seed', 'an integer from 0 to 2^32 − 1', seed);
  check(levelDbfs >= -60 && levelDbfs <= MAX_LEVEL_DBFS, 'levelDbfs', `from −60 to ${MAX_LEVEL_DBFS} (louder would clip its peaks)`, levelDbfs);
  check(durationMs >= 1_000 && durationMs <= 600_000, 'durationMs', 'from 1000 to 600000', durationMs);
  check(pitchHz >= 60 && pitchHz <= 400, 'pitchHz', 'from 60 to 400', pitchHz);
  return { seed, levelDbfs, durationMs, pitchHz };
}

/** The syllables of `durationMs`, from the seed alone (the same at every rate). */
function timeline(seed: number, durationMs: number, pitchHz: number): Syllable[] {
  const rnd = random(seed);
  const between = (lo: number, hi: number): number => lo + (hi - lo) * rnd();
  const syllables: Syllable[] = [];
  // Every talkspurt moves the time on by at least its pause: the loop ends.
  for (let atMs = between(100, 300); atMs < durationMs; atMs += between(300, 900)) {
    const count = 3 + Math.floor(rnd() * 5);
    for (let i = 0; i < count && atMs < durationMs; i++) {
      const length = Math.min(between(120, 260), durationMs - atMs);
      const start = pitchHz * between(0.9, 1.15);
      syllables.push({
        startMs: atMs,
        durationMs: length,
        consonantMs: rnd() < 0.6 ? between(20, 40) : 0,
        vowel: VOWELS[Math.floor(rnd() * VOWELS.length)] ?? [500, 1500, 2500],
        pitchStartHz: start,
        pitchEndHz: start * between(0.8, 0.92),
      });
      atMs += length + (i < count - 1 ? between(20, 60) : 0);
    }
  }
  return syllables;
}

/** The vowel's spectral envelope at `hz`: three resonances over a −6 dB/octave tilt. */
function envelopeAt(hz: number, vowel: readonly [number, number, number]): number {
  let gain = 0.02;
  vowel.forEach((formantHz, f) => {
    const off = (hz - formantHz) / ((FORMANT_BANDWIDTH_HZ[f] ?? 100) / 2);
    gain += (FORMANT_GAIN[f] ?? 0) / Math.sqrt(1 + off * off);
  });
  return gain / (1 + hz / 300);
}

/** A raised-cosine ramp: 0 at x ≤ 0, 1 at x ≥ 1. */
const ramp = (x: number): number => 0.5 - 0.5 * Math.cos(Math.PI * Math.max(0, Math.min(1, x)));

/**
 * The speech-like signal (see the module's description) as floats (−1…1) at `rateHz`.
 * @throws GagError `GAG_OPTIONS_INVALID` naming the option out of range.
 * @example writeFileSync('talker.wav', wavFile(speechLikeSignal(48_000, { seed: 7 }), 48_000)) // a fake microphone that talks
 */
export function speechLikeSignal(rateHz: number, options: SpeechLikeOptions = {}): Float32Array {
  const { seed, levelDbfs, durationMs, pitchHz } = settings(options);
  if (!(Number.isInteger(rateHz) && rateHz >= 8_000 && rateHz <= 192_000)) {
    throw new GagError('GAG_OPTIONS_INVALID', `speechLikeSignal: 'rateHz' must be an integer from 8000 to 192000. Got '${rateHz}'`);
  }
  const out = new Float32Array(Math.round((durationMs * rateHz) / 1000));
  const noise = random(seed ^ 0x9e3779b9);
  // A fixed random phase per harmonic: a less peaky waveform than all harmonics in phase.
  const phases = Array.from({ length: Math.ceil(TOP_HZ / 40) }, () => 2 * Math.PI * noise());
  const amplitudes = new Float64Array(phases.length);
  const block = Math.max(1, Math.round((BLOCK_MS * rateHz) / 1000));
  let activeSquares = 0;
  let activeCount = 0;
  for (const s of timeline(seed, durationMs, pitchHz)) {
    const first = Math.round((s.startMs * rateHz) / 1000);
    const count = Math.min(out.length - first, Math.round((s.durationMs * rateHz) / 1000));
    const consonant = Math.round((s.consonantMs * rateHz) / 1000);
    let phase = 0;
    let previousWhite = 0;
    for (let i = 0; i < count; i++) {
      const f0 = s.pitchStartHz + ((s.pitchEndHz - s.pitchStartHz) * i) / count;
      const harmonics = Math.min(phases.length, Math.floor(Math.min(TOP_HZ, rateHz / 2 - 200) / f0));
      if (i % block === 0) for (let k = 1; k <= harmonics; k++) amplitudes[k - 1] = envelopeAt(k * f0, s.vowel);
      phase = (phase + (2 * Math.PI * f0) / rateHz) % (2 * Math.PI);
      // A consonant: white noise without its lows (a first difference), fading out as the vowel's
      // voicing fades in over 10 ms, with no dip between them.
      const white = noise() * 2 - 1;
      const voicing = consonant === 0 ? 1 : ramp((i - consonant) / (2 * block));
      let value = voicing < 1 ? (white - previousWhite) * HISS_GAIN * (1 - voicing) : 0;
      previousWhite = white;
      if (voicing > 0) {
        let voiced = 0;
        for (let k = 1; k <= harmonics; k++) voiced += (amplitudes[k - 1] ?? 0) * Math.sin(k * phase + (phases[k - 1] ?? 0));
        value += voiced * voicing;
      }
      const ms = (i * 1000) / rateHz;
      value *= ramp(Math.min(ms / ATTACK_MS, (s.durationMs - ms) / RELEASE_MS));
      out[first + i] = value;
      activeSquares += value * value;
      activeCount++;
    }
  }
  const scale = 10 ** (levelDbfs / 20) / (Math.sqrt(activeSquares / Math.max(1, activeCount)) || 1);
  for (let i = 0; i < out.length; i++) out[i] = (out[i] ?? 0) * scale;
  return out;
}

/**
 * The speech-like signal (see {@link speechLikeSignal}) as what the caller says, at the call's
 * rate, looped every `durationMs`.
 * @throws GagError `GAG_OPTIONS_INVALID` naming the option out of range.
 * @example call.play(speechLike({ seed: 7, levelDbfs: -26 }))
 */
export function speechLike(options: SpeechLikeOptions = {}): AudioSource {
  const checked = settings(options); // fails here, not at the call's first frame
  return clipSource((rateHz) => speechLikeSignal(rateHz, checked), true);
}
