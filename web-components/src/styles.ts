import { unsafeCSS } from 'lit';
import text from './gag-phone.css?inline';

/**
 * Styles of `<gag-phone>` (gag-phone.css), in its shadow root: nothing leaks in or out. Themeable
 * through the `--gag-*` custom properties (each falls back to a light and a dark default, chosen by
 * `theme` through `color-scheme` and `light-dark()`) and `::part()`. Every text colour pair meets
 * WCAG AA (4.5:1) in both themes. A file of its own, so that the build minifies it (`?inline`: the
 * minified text; `unsafeCSS` only because lit cannot see that it is our own file, not user input).
 */
export const styles = unsafeCSS(text);
