import { unsafeCSS } from 'lit';
import text from './gag-board.css?inline';

/**
 * The board's own styles (gag-board.css), after `<gag-phone>`'s sheet (src/styles.ts), whose
 * `--gag-*` custom properties, buttons and state dot it shares: one theme for both elements.
 */
export const boardStyles = unsafeCSS(text);
