/** The Chromium executable for browser tests: $GAG_CHROMIUM, else Debian's `chromium` on PATH. */
export function findChromium(): string | undefined;
/** Flags every test launch uses. */
export const CHROMIUM_ARGS: readonly string[];
