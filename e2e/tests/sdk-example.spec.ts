/**
 * The README's custom-UI example (sdk/examples/custom-ui.ts), bundled with Vite as an app would
 * bundle it, served from the page origin, making a full call through the gateway fixture.
 */
import { fileURLToPath } from 'node:url';
import { build, type Rolldown } from 'vite';
import { workletPlugin } from '@gag/sdk/build/worklet-plugin';
import { TONE_DBFS, expect, expectTone, test } from './fixtures.js';

const EXAMPLE = fileURLToPath(new URL('../../sdk/examples/custom-ui.ts', import.meta.url));
const ENTRY = '\0sdk-example-entry';

/** The example mounted on a page: the gateway URL comes from the page, the token from the page server's /token. */
const ENTRY_SOURCE = `
import { mountPhone } from ${JSON.stringify(EXAMPLE)};
const root = document.getElementById('phone');
window.phone = mountPhone(root, root.dataset.gateway, () => fetch('/token?ext=2001').then((r) => r.text()));
`;

let bundle = '';

test.beforeAll(async () => {
  test.setTimeout(60_000);
  const result = await build({
    configFile: false,
    logLevel: 'silent',
    mode: 'production',
    publicDir: false,
    plugins: [workletPlugin(), { name: 'sdk-example-entry', resolveId: (id) => (id === ENTRY ? ENTRY : null), load: (id) => (id === ENTRY ? ENTRY_SOURCE : null) }],
    build: { write: false, target: 'es2022', minify: false, modulePreload: false, rolldownOptions: { input: ENTRY, output: { format: 'es', codeSplitting: false } } },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[];
  const chunk = outputs.flatMap((o) => o.output).find((o): o is Rolldown.OutputChunk => o.type === 'chunk' && o.isEntry);
  if (chunk === undefined) throw new Error('the example did not bundle');
  bundle = chunk.code;
});

test('the custom-UI example takes a call: ring, answer, 440 Hz heard at the playback tap, quality shown, hang up', async ({ page, gag, asterisk }) => {
  const gatewayUrl = gag.gatewayUrl;
  gag.serve('/sdk-example/app.js', 'text/javascript; charset=utf-8', bundle);
  gag.serve(
    '/sdk-example/',
    'text/html; charset=utf-8',
    `<!doctype html><meta charset="utf-8"><title>custom UI</title><div id="phone" data-gateway="${gatewayUrl}"></div><script type="module" src="app.js"></script>`,
  );
  await page.goto(`${gag.pageOrigin}/sdk-example/`);
  const status = page.locator('#phone p').first();
  const quality = page.locator('#phone p').nth(1);
  const button = page.locator('#phone button');
  await expect(status).toHaveText('online');

  const call = await asterisk.call('2001', { from: '0312345678', name: 'Tanaka' });
  await expect(status).toHaveText('Call from 0312345678');
  await expect(page.evaluate(() => (window as unknown as { phone: { calls: readonly unknown[] } }).phone.calls.length)).resolves.toBe(1);
  call.play(440);
  await button.getByText('Answer').click();
  await call.expectAnswered();
  await expect(button).toHaveText('Hang up');

  // Asterisk → browser: 440 Hz at its level at the SDK's playback tap.
  await expectTone(
    'the example plays',
    () =>
      page.evaluate(() => {
        const audio = (window as unknown as { phone: { calls: ReadonlyArray<{ audio?: { diagnostics: { playback: AnalyserNode }; sampleRateHz: number } }> } }).phone.calls[0]?.audio;
        if (audio === undefined) throw new Error('no call audio');
        const buf = new Float32Array(audio.diagnostics.playback.fftSize);
        audio.diagnostics.playback.getFloatTimeDomainData(buf);
        return { samples: Array.from(buf), rateHz: audio.sampleRateHz };
      }),
    { hz: 440, dbfs: TONE_DBFS },
  );

  // Browser → Asterisk: the fake microphone's 1 kHz tone.
  await call.expectAudio({ hz: 1_000, dbfs: TONE_DBFS });

  // The quality line: the microphone (a 1 kHz sine at 0.5) reads −9 dBFS.
  await expect(quality).toHaveText(/^mic -?\d+ dBFS, buffer \d+ ms, RTT (\d+|\?) ms$/, { timeout: 5_000 });
  const shown = (await quality.textContent()) ?? '';
  test.info().annotations.push({ type: 'quality line', description: shown });
  expect(Math.abs(Number(/^mic (-?\d+)/.exec(shown)?.[1]) - TONE_DBFS)).toBeLessThanOrEqual(3);

  await button.click();
  await call.expectHangup();
  expect(call.commands).toEqual(['ANSWER', 'HANGUP']);
  await expect(status).toHaveText('Call ended: hangup');
  await expect(button).toBeHidden();
});
