/**
 * Units of the audio on the wire, shared by the gateway, the SDK's worklets and the fake Asterisk.
 * chan_websocket with `c(slin16)` sends and expects 16 kHz signed 16-bit little-endian mono in
 * 20 ms frames (`optimal_frame_size:640 ptime:20` in MEDIA_START; asterisk-chan-websocket.md, Media).
 * @packageDocumentation
 */

/** Sample rate of slin16 on both legs. */
export const WIRE_RATE_HZ = 16_000;
/** Packet time of one frame. */
export const FRAME_MS = 20;
/** Samples in one frame: 20 ms at 16 kHz. */
export const FRAME_SAMPLES = (WIRE_RATE_HZ * FRAME_MS) / 1000;
/** Bytes in one frame: 20 ms of slin16 mono (2 bytes a sample). */
export const FRAME_BYTES = FRAME_SAMPLES * 2;
/** Asterisk closes the socket and hangs up on a larger message (chan_websocket, Media). */
export const MAX_ASTERISK_MESSAGE_BYTES = 65_500;
