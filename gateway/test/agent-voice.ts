/**
 * The agent's side of a test call: a browser peer that speaks a tone at its own pace, one frame
 * for every frame it hears (as a real browser's capture runs on the same clock as its playout).
 */
import { bytesPerSampleOf, frameBytesOf, rateHzOf, type WireFormat } from '@gag/sdk/protocol';
import { encodeSamples } from '@gag/e2e';
import type { TestPhone } from '@gag/testkit/phone';

/** From now on `phone` answers every audio frame it receives with a frame of `hz` at `amplitude` (0–1), in `format`. */
export function agentSpeaks(phone: TestPhone, format: WireFormat, hz: number, amplitude: number): void {
  const rateHz = rateHzOf(format);
  const samples = frameBytesOf(format) / bytesPerSampleOf(format);
  let n = 0;
  phone.ws.on('message', (data: Buffer, isBinary) => {
    if (!isBinary) return;
    for (let k = 0; k < data.length / frameBytesOf(format); k++, n++) {
      const frame = Int16Array.from({ length: samples }, (_, i) => Math.round(amplitude * 32_767 * Math.sin((2 * Math.PI * hz * (n * samples + i)) / rateHz)));
      phone.ws.send(encodeSamples(format, frame));
    }
  });
}
