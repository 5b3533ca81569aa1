/**
 * The start the "while muted" DTMF specs share: a call answered on the page and then muted, with
 * the mute checked where it matters, in what Asterisk receives: the microphone's tone, then silence.
 */
import { FRAME_MS } from '@gag/sdk/protocol';
import { rms } from '../src/index.js';
import { expect, type AsteriskCall, type GagAsterisk, type GagPhone } from './fixtures.js';

/** How much of the latest audio must be silent: ten frames. */
const SILENCE_MS = 200;
/** Below this RMS audio is silence (−80 dBFS; the microphone's tone is −9 dBFS). A muted phone sends zeros. */
const SILENT_RMS = 1e-4;

/** The RMS of what Asterisk received from `fromMs` on (up to `toMs`). */
export const levelAt = (call: AsteriskCall, fromMs: number, toMs?: number): number => rms(call.received.samples(toMs === undefined ? { fromMs } : { fromMs, toMs }));

/** Expect `level` to be silence. */
export const expectSilent = (level: number, what: string): void => expect(level, what).toBeLessThan(SILENT_RMS);

/**
 * Wait (bounded) until the latest {@link SILENCE_MS} Asterisk received are silent: frames still
 * come, and they carry nothing. Returns where that silent stretch starts, in ms of received audio.
 */
export async function expectSilenceAtAsterisk(call: AsteriskCall): Promise<number> {
  let fromMs = 0;
  await expect
    .poll(
      () => {
        fromMs = call.received.frames * FRAME_MS - SILENCE_MS;
        return fromMs < 0 ? Infinity : levelAt(call, fromMs);
      },
      { message: 'Asterisk receives silence from the muted phone' },
    )
    .toBeLessThan(SILENT_RMS);
  return fromMs;
}

/**
 * A call to 2001, answered on `phone` with its microphone heard at Asterisk, then muted: resolves
 * once Asterisk receives silence, with the call and where the silence starts (ms of received audio).
 */
export async function answeredThenMuted(phone: GagPhone, asterisk: GagAsterisk): Promise<{ call: AsteriskCall; silentFromMs: number }> {
  const call = await asterisk.call('2001');
  await phone.expectRinging();
  await phone.answer();
  await call.expectAnswered();
  await call.expectAudio({ hz: 1_000 }); // the microphone, live
  await phone.toggleMute();
  await expect(phone.button('mute')).toHaveAttribute('aria-pressed', 'true');
  return { call, silentFromMs: await expectSilenceAtAsterisk(call) };
}
