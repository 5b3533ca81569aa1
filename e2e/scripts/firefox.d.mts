/** The Firefox executable for browser tests: $GAG_FIREFOX, else `firefox-esr` or `firefox` on PATH. */
export function findFirefox(): string | undefined;
/** The `pulseaudio` executable on PATH. */
export function findPulseAudio(): string | undefined;
/** Preferences every test launch uses (fake microphone, no prompts, autoplay allowed). */
export const FIREFOX_PREFS: Readonly<Record<string, string | number | boolean>>;
