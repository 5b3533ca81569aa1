/**
 * A steady microphone for browser tests: a 1 kHz sine at gain 0.25 (not a DTMF pair), where
 * Chromium's default fake microphone beeps on and off. The microphone is the boundary we fake.
 */
import { vi } from 'vitest';

/** Make `getUserMedia` answer with the steady 1 kHz microphone (undone by `vi.restoreAllMocks()`). */
export function steadyMicrophone(): void {
  vi.spyOn(navigator.mediaDevices, 'getUserMedia').mockImplementation(async () => {
    const context = new AudioContext();
    const tone = new OscillatorNode(context, { frequency: 1_000 });
    const destination = context.createMediaStreamDestination();
    tone.connect(new GainNode(context, { gain: 0.25 })).connect(destination);
    tone.start();
    return destination.stream;
  });
}
