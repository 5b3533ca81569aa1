/**
 * What a call needs once it rings: the ringtone, the audio graph (microphone, worklets, speakers),
 * the `quality` reports, and the device lists of `<gag-phone>`'s in-call audio panel. Loaded by
 * {@link loadCallMedia} when a call starts ringing (or the ringer is unlocked), so a page with an
 * idle phone does not carry it: bundlers put it in a chunk of its own, and the drop-in
 * `gag-phone.js` loads it from a file next to itself.
 * @packageDocumentation
 * @internal
 */
export { CallAudio } from './audio/call-audio.js';
export { Ringer } from './audio/ringer.js';
export { startQualityReports } from './call-quality.js';
export { listAudioDevices, watchAudioDevices } from './audio/devices.js';
