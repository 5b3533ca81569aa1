/**
 * What a live fork sends (docs/fork-and-record.md#live-forks): the messages of Twilio's Media
 * Streams (`connected`, `start`, `media`, `dtmf`, `stop`), so services built for that shape plug
 * in as they are, and the compact binary mode's audio frame. Tracks are named as Twilio names
 * them: `inbound` is the caller (what Asterisk sends), `outbound` the agent.
 * @packageDocumentation
 */
import type { WireFormat } from '@gag/sdk/protocol';
import type { Track } from '../calls/call-tap.js';
import type { CallMetadata } from './call-metadata.js';

/** The two message shapes a fork speaks. */
export const FORK_FORMATS = ['twilio', 'binary'] as const;
/** `twilio`: JSON text messages with base64 audio; `binary`: the same JSON for events, audio as binary frames. */
export type ForkFormat = (typeof FORK_FORMATS)[number];

/** Twilio's track names of our two directions. */
export const TWILIO_TRACK: Readonly<Record<Track, 'inbound' | 'outbound'>> = { caller: 'inbound', agent: 'outbound' };
/** The `track` byte of a binary audio frame. */
export const BINARY_TRACK: Readonly<Record<Track, number>> = { caller: 0, agent: 1 };
/** Bytes of a binary audio frame's header: version, track, two reserved, sequence (u32 LE), timestamp ms (u32 LE). */
export const BINARY_HEADER_BYTES = 12;
/** The first byte of every binary audio frame. */
export const BINARY_VERSION = 1;

/** The MIME type of each codec in `start.mediaFormat.encoding` (`audio/x-l16` is little-endian here, as chan_websocket sends it). */
const ENCODING: Readonly<Record<WireFormat, string>> = { slin16: 'audio/x-l16', slin: 'audio/x-l16', ulaw: 'audio/x-mulaw', alaw: 'audio/x-alaw' };

/** The call as the `start` message describes it. */
export interface ForkStart extends CallMetadata {
  readonly streamSid: string;
  readonly format: WireFormat;
  readonly rateHz: number;
  readonly customParameters: Readonly<Record<string, string>>;
  readonly mode: ForkFormat;
}

/** `connected`: first on every connection. */
export const connectedMessage = (): string => JSON.stringify({ event: 'connected', protocol: 'Call', version: '1.0.0' });

/** `start`: the call's metadata, second on every connection. */
export function startMessage(seq: number, s: ForkStart): string {
  return JSON.stringify({
    event: 'start',
    sequenceNumber: String(seq),
    streamSid: s.streamSid,
    start: {
      streamSid: s.streamSid,
      callSid: s.callId,
      tracks: ['inbound', 'outbound'],
      customParameters: s.customParameters,
      mediaFormat: { encoding: s.format === 'slin16' || s.format === 'slin' ? `${ENCODING[s.format]};rate=${s.rateHz}` : ENCODING[s.format], sampleRate: s.rateHz, channels: 1 },
      gag: { mode: s.mode, callId: s.callId, extension: s.extension, callerNumber: s.callerNumber, callerName: s.callerName, group: s.group, direction: s.direction, agentSession: s.agentSession, startedAt: s.callStartedAt, format: s.format },
    },
  });
}

/** `media`: one 20 ms frame of one track; `chunk` counts the track's frames from 1, `timestamp` is ms of the track's audio. */
export function mediaMessage(seq: number, streamSid: string, track: Track, chunk: number, timestampMs: number, frame: Buffer): string {
  return JSON.stringify({
    event: 'media',
    sequenceNumber: String(seq),
    streamSid,
    media: { track: TWILIO_TRACK[track], chunk: String(chunk), timestamp: String(timestampMs), payload: frame.toString('base64') },
  });
}

/** A binary audio frame: the 12-byte header, then the frame in the call's codec. */
export function binaryMedia(seq: number, track: Track, timestampMs: number, frame: Buffer): Buffer {
  const out = Buffer.allocUnsafe(BINARY_HEADER_BYTES + frame.length);
  out.writeUInt8(BINARY_VERSION, 0);
  out.writeUInt8(BINARY_TRACK[track], 1);
  out.writeUInt16LE(0, 2);
  out.writeUInt32LE(seq >>> 0, 4);
  out.writeUInt32LE(timestampMs >>> 0, 8);
  frame.copy(out, BINARY_HEADER_BYTES);
  return out;
}

/** `dtmf`: a key the caller pressed. */
export const dtmfMessage = (seq: number, streamSid: string, track: Track, digit: string): string =>
  JSON.stringify({ event: 'dtmf', sequenceNumber: String(seq), streamSid, dtmf: { track: `${TWILIO_TRACK[track]}_track`, digit } });

/** `mark`: the audio the service queued before its `mark` of this name has played (or was cleared). */
export const markMessage = (seq: number, streamSid: string, name: string): string =>
  JSON.stringify({ event: 'mark', sequenceNumber: String(seq), streamSid, mark: { name } });

/** `stop`: the call ended or the fork was stopped; last. */
export const stopMessage = (seq: number, streamSid: string, callId: string): string =>
  JSON.stringify({ event: 'stop', sequenceNumber: String(seq), streamSid, stop: { callSid: callId } });
