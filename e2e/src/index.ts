export * from './tones.js';
