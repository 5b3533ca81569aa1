/**
 * Keyboard shortcuts of `<gag-phone>`.
 *
 * Inside the phone (always on): Tab moves between its controls, Enter and Space press the focused
 * button, Escape rejects a ringing call (or closes the open keypad or audio panel), and the keys
 * 0–9, `*` and `#` press keypad keys while the keypad has the focus.
 *
 * Page-wide, opt-in with `<gag-phone shortcuts>`: Alt+Shift+Y answers ("yes"), Alt+Shift+H
 * rejects a ringing call or hangs up. The letters stay clear of the Alt+Shift shortcuts of
 * Chromium and ChromeOS (A, B, I, L, M, N, S, T); screen readers (NVDA, JAWS, VoiceOver) use
 * Insert, Caps Lock or Control+Option instead; Ctrl+Alt is avoided (AltGr on many keyboards).
 * The physical key (`code`) is read, so they work with any layout and with macOS Option.
 * @packageDocumentation
 */

/**
 * The page-wide shortcuts, as `aria-keyshortcuts` spells them (with the `shortcuts` attribute).
 * @example help.textContent = `Answer: ${SHORTCUTS.answer}, hang up: ${SHORTCUTS.hangup}`;
 */
export const SHORTCUTS = {
  /** Answer the ringing call. */
  answer: 'Alt+Shift+Y',
  /** Reject the ringing call, or hang up. */
  hangup: 'Alt+Shift+H',
} as const;

/** The page-wide shortcut `e` is, if any. */
export function shortcutOf(e: KeyboardEvent): keyof typeof SHORTCUTS | undefined {
  if (!e.altKey || !e.shiftKey || e.ctrlKey || e.metaKey) return undefined;
  return e.code === 'KeyY' ? 'answer' : e.code === 'KeyH' ? 'hangup' : undefined;
}

/** The keypad keys, in their order on the pad. */
export const KEYPAD_KEYS = '123456789*0#';
