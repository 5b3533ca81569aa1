/** The single-file script tag entry: registers `<gag-phone>` once, exposes nothing else. */
import { defineGagPhone } from './define.js';

defineGagPhone();
