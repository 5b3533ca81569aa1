import { GagBoard } from './gag-board.js';

/**
 * Register `<gag-board>` unless the page already has it (pages load scripts twice). Importing
 * `@gag/web-components/board` calls it already.
 * @example
 * import { defineGagBoard } from '@gag/web-components/board';
 * defineGagBoard(); // a second call, or a second copy of the script, changes nothing
 */
export function defineGagBoard(): void {
  if (customElements.get('gag-board') === undefined) customElements.define('gag-board', GagBoard);
}
