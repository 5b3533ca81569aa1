/**
 * Both processors in one worklet module (`gag-capture` and `gag-playback`): one `addModule`, and
 * the code they share (resampler, ring buffer, pcm, G.711) is bundled once instead of twice.
 * @packageDocumentation
 */
import './capture.worklet.js';
import './playback.worklet.js';
