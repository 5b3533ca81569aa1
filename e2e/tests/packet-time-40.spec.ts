/**
 * `browser_packet_ms: 40`: `<gag-phone>` (the SDK in it) sends its microphone in packets of
 * 2 frames, the gateway forwards them to Asterisk as they are (chan_websocket cuts a message into
 * `optimal_frame_size` frames: docs/chan-websocket.md#media) and gathers Asterisk's 20 ms frames
 * into packets for the page. Audio checked both ways, without gaps.
 */
import { callWithAudioBothWays } from './audio-both-ways.js';
import { test } from './fixtures.js';

test.use({ gagGateway: { browser_packet_ms: 40 } });

test('a call carries audio both ways in 40 ms packets', ({ phone, asterisk }) => callWithAudioBothWays(phone, asterisk, 2));
