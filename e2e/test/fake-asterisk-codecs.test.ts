/**
 * The fake Asterisk dialling with `c(slin)`, `c(ulaw)`, `c(alaw)` (issue #5): MEDIA_START names
 * the codec and its 20 ms frame size, frames go out in that codec, and what the app sends is
 * decoded by codec for analysis. Against a real ws server playing the app.
 */
import { describe, expect, it } from 'vitest';
import { analyseTone, decodeSamples, encodeSamples, fillSineS16, tone } from '../src/index.js';
import { withFakeAsterisk } from './fake-app.js';

const fake = withFakeAsterisk();

const floats = (s16: Int16Array): Float32Array => Float32Array.from(s16, (s) => s / 32_768);

describe.each([
  { codec: 'ulaw', frameBytes: 160 },
  { codec: 'alaw', frameBytes: 160 },
  { codec: 'slin', frameBytes: 320 },
] as const)('c($codec)', ({ codec, frameBytes }) => {
  it(`sends MEDIA_START with format:${codec} optimal_frame_size:${frameBytes}, in both control formats`, async () => {
    const text = await fake.asterisk.call('ws-ext-2001', { codec });
    expect(await (await fake.app.nextPeer()).nextText()).toBe(
      `MEDIA_START connection_id:ws-ext-2001 channel:${text.channel} channel_id:${text.channelId} format:${codec} optimal_frame_size:${frameBytes} ptime:20`,
    );
    await fake.asterisk.call('ws-ext-2001', { codec, format: 'json' });
    expect(JSON.parse(await (await fake.app.nextPeer()).nextText())).toMatchObject({
      format: codec,
      optimal_frame_size: frameBytes,
      channel_variables: { DIALEDPEERNUMBER: `ws-ext-2001/f(json)c(${codec})n`, MEDIA_WEBSOCKET_OPTIMAL_FRAME_SIZE: String(frameBytes) },
    });
  });

  it('plays a 440 Hz tone in 20 ms frames of the codec, at 8 kHz', async () => {
    const call = await fake.asterisk.call('ws-ext-2001', { codec });
    const peer = await fake.app.nextPeer();
    await peer.nextText();
    call.play(tone(440, { amplitude: 0.5 }));
    peer.send('ANSWER');
    const frames = await peer.binariesUntil(10);
    expect(frames.every((f) => f.length === frameBytes)).toBe(true);
    const analysed = analyseTone(floats(decodeSamples(codec, Buffer.concat(frames))), 8_000);
    expect(Math.abs(analysed.hz - 440)).toBeLessThanOrEqual(2);
    expect(analysed.amplitude).toBeCloseTo(0.5, 1);
  });

  it('takes the app audio in frames of the codec and analyses it decoded', async () => {
    const call = await fake.asterisk.call('ws-ext-2001', { codec });
    const peer = await fake.app.nextPeer();
    await peer.nextText();
    peer.send('ANSWER');
    await call.answered;
    const samples = new Int16Array(25 * 160);
    fillSineS16(samples, 1_000, 8_000, 0.5);
    peer.send(encodeSamples(codec, samples));
    await expect.poll(() => call.received.frames).toBe(25);
    expect(call.received.oddSizedMessages).toBe(0);
    expect(call.received.samples({ fromMs: 100, toMs: 300 }).length).toBe(1_600);
    const analysed = call.received.analyse();
    expect(Math.abs(analysed.hz - 1_000)).toBeLessThanOrEqual(2);
    expect(analysed.amplitude).toBeCloseTo(0.5, 1);
  });
});
