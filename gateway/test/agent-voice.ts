/**
 * The agent's side of a test call: a browser peer that speaks a tone at its own pace, one frame
 * for every frame it hears (as a real browser's capture runs on the same clock as its playout).
 */
import { bytesPerSampleOf, frameBytesOf, rateHzOf, type WireFormat } from '@gag/sdk/protocol';
import { encodeSamples, tone, type FakeCall } from '@gag/e2e';
import type { TestGateway } from '@gag/testkit/gateway';
import type { TestPhone } from '@gag/testkit/phone';

/** From now on `phone` answers every audio frame it receives with a frame of `hz` at `amplitude` (0–1), in `format`. */
export function agentSpeaks(phone: TestPhone, format: WireFormat, hz: number, amplitude: number): void {
  const rateHz = rateHzOf(format);
  const samples = frameBytesOf(format) / bytesPerSampleOf(format);
  let n = 0;
  phone.ws.on('message', (data: Buffer, isBinary) => {
    if (!isBinary) return;
    // One packet back for each packet heard, of the same length (browser_packet_ms: 20, 40 or 60 ms).
    const count = (data.length / frameBytesOf(format)) * samples;
    const packet = Int16Array.from({ length: count }, (_, i) => Math.round(amplitude * 32_767 * Math.sin((2 * Math.PI * hz * (n * samples + i)) / rateHz)));
    n += count / samples;
    phone.ws.send(encodeSamples(format, packet));
  });
}

/** A call as {@link talkingCall} leaves it. */
export interface TalkingCall {
  readonly phone: TestPhone;
  readonly call: FakeCall;
  readonly callId: string;
}

/**
 * A talking call to extension 2001 from 0311112222 (Tanaka): the caller plays 440 Hz at 0.5, the
 * agent answers each frame with 1 kHz at 0.25.
 */
export async function talkingCall(t: Pick<TestGateway, 'phone' | 'asterisk'>, format: WireFormat = 'slin16'): Promise<TalkingCall> {
  const phone = await t.phone('2001');
  const call = await t.asterisk.call('ws-ext-2001', { codec: format, params: { from: '0311112222', name: 'Tanaka' } });
  const { callId } = await phone.next('incoming');
  call.play(tone(440, { amplitude: 0.5 }));
  agentSpeaks(phone, format, 1000, 0.25);
  phone.send({ type: 'answer', callId });
  await call.answered;
  return { phone, call, callId };
}
