/**
 * Why a file of GAG's code that loads when needed did not load, in Chromium: gone from the server
 * (the gateway was upgraded after the page loaded) or not downloadable (the network).
 */
import { describe, expect, test } from 'vitest';
import { addModule } from '../../src/audio/call-graph.js';
import { codeFileError } from '../../src/code-file.js';
import { GagError } from '../../src/errors.js';

const GONE = `/processors.worklet.${'0'.repeat(16)}.js`;
/** Nothing listens on port 9 (discard) of loopback here: a network failure. */
const UNREACHABLE = 'http://127.0.0.1:9/processors.worklet.js';

describe('a code file that does not load', () => {
  test('a worklet file the server does not have is GAG_OUTDATED: reload the page', async () => {
    const context = new OfflineAudioContext(1, 128, 48_000);
    const error = await addModule(context, { source: '', url: new URL(GONE, location.href).href }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GagError);
    expect(error).toMatchObject({ code: 'GAG_OUTDATED', message: expect.stringContaining('reload the page') });
  });

  test('one that cannot be downloaded is GAG_MEDIA with a TypeError cause (the network): try again', async () => {
    const error = await codeFileError(UNREACHABLE, new DOMException('Unable to load a worklet module.', 'AbortError'));
    expect(error).toMatchObject({ code: 'GAG_MEDIA', message: expect.stringContaining('check the network') });
    expect(error.cause).toBeInstanceOf(TypeError);
  });
});
