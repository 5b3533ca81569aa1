/**
 * The words of `<gag-phone>` in one language, loaded when the phone first shows. The drop-in
 * bundle's build replaces this module (web-components/build/lazy-labels.ts) with one that imports
 * `labels-<lang>.<hash>.js` from next to `gag-phone.js`: a page loads the words of its own
 * language only. Keep it to this one export.
 * @packageDocumentation
 */
import type { Labels } from './en.js';

/** A language the phone speaks. */
export type Lang = 'en' | 'ja';

/** The labels of `lang`. */
export const loadLabels = (lang: Lang): Promise<Labels> => (lang === 'ja' ? import('./ja.js').then((m) => m.ja) : import('./en.js').then((m) => m.en));
