/**
 * Units of the audio on the wire, shared by the gateway, the SDK's worklets and the fake Asterisk.
 * chan_websocket with `c(slin16)` sends and expects 16 kHz signed 16-bit little-endian mono in
 * 20 ms frames (`optimal_frame_size:640 ptime:20` in MEDIA_START; docs/chan-websocket.md#media).
 * @packageDocumentation
 */

/**
 * Sample rate of slin16 on both legs.
 * @example new Resampler(context.sampleRate, WIRE_RATE_HZ); // the microphone to slin16
 */
export const WIRE_RATE_HZ = 16_000;
/**
 * Packet time of one frame.
 * @example const framesPerSecond = 1000 / FRAME_MS; // 50
 */
export const FRAME_MS = 20;
/**
 * Samples in one frame: 20 ms at 16 kHz.
 * @example const frame = new Int16Array(FRAME_SAMPLES); // 320 samples: 20 ms of slin16
 */
export const FRAME_SAMPLES = (WIRE_RATE_HZ * FRAME_MS) / 1000;
/**
 * Bytes in one frame: 20 ms of slin16 mono (2 bytes a sample).
 * @example if (data.byteLength % FRAME_BYTES !== 0) ws.close(CLOSE.BAD_AUDIO_FRAME.code);
 */
export const FRAME_BYTES = FRAME_SAMPLES * 2;
/**
 * Packet times a gateway may choose for the browser leg (`welcome.packetMs`, the gateway's
 * `browser_packet_ms`): audio per message, a whole number of 20 ms frames. Fewer, larger messages
 * cost the relay less CPU and add latency (docs/performance.md#packet-time).
 * @example const framesPerPacket = packetMs / FRAME_MS; // 2 at 40 ms
 */
export const PACKET_TIMES_MS = [20, 40, 60] as const;
/**
 * One of {@link PACKET_TIMES_MS}.
 * @example const packetMs: PacketMs = 40;
 */
export type PacketMs = (typeof PACKET_TIMES_MS)[number];
/**
 * The packet time a gateway's `welcome.packetMs` asks for: one of {@link PACKET_TIMES_MS}, or
 * {@link FRAME_MS} when it says nothing (an older gateway) or a time this SDK does not know.
 * @example const packetMs = packetTimeOf(welcome.packetMs); // 20 from an older gateway
 */
export const packetTimeOf = (ms: number | undefined): PacketMs => ((PACKET_TIMES_MS as readonly (number | undefined)[]).includes(ms) ? (ms as PacketMs) : FRAME_MS);
/**
 * Asterisk closes the socket and hangs up on a larger message (chan_websocket, Media).
 * @example new WebSocketServer({ noServer: true, maxPayload: MAX_ASTERISK_MESSAGE_BYTES });
 */
export const MAX_ASTERISK_MESSAGE_BYTES = 65_500;
/**
 * Most DTMF keys one `call.sendDtmf` takes and one `dtmf` message carries: as many as the in-band
 * generator holds (`DTMF_QUEUE_DIGITS`), and as many as the gateway keeps waiting for Asterisk in a call.
 * @example if (digits.length > MAX_DTMF_DIGITS) throw new GagError('GAG_OPTIONS_INVALID', 'too many keys');
 */
export const MAX_DTMF_DIGITS = 64;

/**
 * The codecs a call may carry, as Asterisk names them in MEDIA_START's `format` (the `c(…)` dial
 * option): slin16 (16 kHz s16le), slin (8 kHz s16le), ulaw and alaw (G.711, 8 kHz, a byte a sample).
 * The gateway relays them unchanged; the browser encodes and decodes.
 * @example const select = WIRE_FORMATS.map((f) => new Option(f)); // slin16, slin, ulaw, alaw
 */
export const WIRE_FORMATS = ['slin16', 'slin', 'ulaw', 'alaw'] as const;
/**
 * One of {@link WIRE_FORMATS}.
 * @example const format: WireFormat = call.format; frameBytesOf(format); // 640 for slin16, 160 for ulaw
 */
export type WireFormat = (typeof WIRE_FORMATS)[number];
/**
 * The format of a call whose `incoming` does not say (older gateways carry slin16 only).
 * @example const format = incoming.format ?? DEFAULT_WIRE_FORMAT; // older gateways carry slin16 only
 */
export const DEFAULT_WIRE_FORMAT: WireFormat = 'slin16';

const RATE_HZ_OF: { readonly [F in WireFormat]: number } = { slin16: 16_000, slin: 8_000, ulaw: 8_000, alaw: 8_000 };
const BYTES_PER_SAMPLE_OF: { readonly [F in WireFormat]: number } = { slin16: 2, slin: 2, ulaw: 1, alaw: 1 };

/**
 * Whether `name` (e.g. MEDIA_START's `format`) is one of {@link WIRE_FORMATS}.
 * @example const format = isWireFormat(start.format) ? start.format : DEFAULT_WIRE_FORMAT;
 */
export const isWireFormat = (name: string): name is WireFormat => (WIRE_FORMATS as readonly string[]).includes(name);
/** Sample rate of a format on the wire. @example rateHzOf('ulaw') // 8000 */
export const rateHzOf = (format: WireFormat): number => RATE_HZ_OF[format];
/** Samples in one 20 ms frame of a format. @example frameSamplesOf('slin16') // 320 */
export const frameSamplesOf = (format: WireFormat): number => (RATE_HZ_OF[format] * FRAME_MS) / 1000;
/**
 * Bytes in one 20 ms frame of a format: slin16 640, slin 320, ulaw and alaw 160 (Asterisk's
 * `optimal_frame_size` for `ptime:20`). The one place that knows it, for the gateway and the SDK.
 * @example frameBytesOf('ulaw') // 160
 */
export const frameBytesOf = (format: WireFormat): number => frameSamplesOf(format) * BYTES_PER_SAMPLE_OF[format];
/**
 * Bytes in one sample of a format: 2 for slin and slin16, 1 for G.711.
 * @example bytesPerSampleOf('ulaw'); // 1
 */
export const bytesPerSampleOf = (format: WireFormat): number => BYTES_PER_SAMPLE_OF[format];
/**
 * Frames of `format` that fill `bytes`, or 0 when `bytes` is not a non-zero whole number of frames.
 * @example wholeFramesOf('slin16', 1_280); // 2 (and 0 for 1_000)
 */
export function wholeFramesOf(format: WireFormat, bytes: number): number {
  const frameBytes = frameBytesOf(format);
  return bytes > 0 && bytes % frameBytes === 0 ? bytes / frameBytes : 0;
}
