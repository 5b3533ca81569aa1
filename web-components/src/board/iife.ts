/** The script tag entry of the board (`gag-board.js`): registers `<gag-board>` once, exposes nothing else. */
import { defineGagBoard } from './define.js';

defineGagBoard();
