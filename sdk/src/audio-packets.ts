/**
 * The microphone's 20 ms frames gathered into packets of the gateway's packet time
 * (`welcome.packetMs`: 20, 40 or 60 ms) before they are sent: fewer, larger messages cost the
 * relay less (docs/performance.md#packet-time). At 20 ms each frame goes as it comes.
 * @packageDocumentation
 */
import { FRAME_MS, type PacketMs } from './wire-units.js';

/**
 * Gathers whole frames into packets of `packetMs`.
 * @example
 * const packets = new PacketGatherer(640, 40);
 * packets.add(frame); // undefined: half a packet
 * packets.add(frame); // a 1,280-byte ArrayBuffer to send
 */
export class PacketGatherer {
  /** Frames in one packet. */
  readonly framesPerPacket: number;
  readonly #packetBytes: number;
  #packet: Uint8Array | undefined;
  #filled = 0;

  constructor(frameBytes: number, packetMs: PacketMs) {
    this.framesPerPacket = packetMs / FRAME_MS;
    this.#packetBytes = frameBytes * this.framesPerPacket;
  }

  /**
   * Add one frame (copied: the caller may reuse it). Returns a full packet to send, a new buffer
   * each time, or undefined while the packet is not full. At 20 ms, the frame itself.
   */
  add(frame: ArrayBuffer): ArrayBuffer | undefined {
    if (this.framesPerPacket === 1) return frame;
    const packet = (this.#packet ??= new Uint8Array(this.#packetBytes));
    packet.set(new Uint8Array(frame, 0, Math.min(frame.byteLength, this.#packetBytes - this.#filled)), this.#filled);
    this.#filled += frame.byteLength;
    if (this.#filled < this.#packetBytes) return undefined;
    this.#packet = undefined;
    this.#filled = 0;
    return packet.buffer as ArrayBuffer;
  }
}
