/**
 * `@gag/web-components/board`: `<gag-board>`, the supervisor's board, for bundlers (an entry of
 * its own, so pages with `<gag-phone>` only do not carry it; load it with `import()` where a
 * supervisor needs it). Importing it registers the element.
 * @example const { GagBoard } = await import('@gag/web-components/board');
 * @module @gag/web-components/board
 */
import { defineGagBoard } from './define.js';

export { GagBoard } from './gag-board.js';
export type { GagBoardEventDetails } from './board-events.js';
export { defineGagBoard };
defineGagBoard();
