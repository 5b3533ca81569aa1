import { css } from 'lit';

/**
 * Styles of `<gag-phone>`, in its shadow root: nothing leaks in or out. Themeable through the
 * `--gag-*` custom properties (each falls back to a light and a dark default, chosen by `theme`
 * through `color-scheme` and `light-dark()`) and `::part()`. Every text colour pair meets WCAG AA
 * (4.5:1) in both themes.
 */
export const styles = css`
  :host {
    --_bg: var(--gag-bg, light-dark(#fff, #1b1f27));
    --_fg: var(--gag-fg, light-dark(#1d2330, #e6e9ef));
    --_muted: var(--gag-muted, light-dark(#5b6475, #a3acbb));
    --_border: var(--gag-border, light-dark(#d5d9e0, #3a4150));
    --_button: var(--gag-button-bg, light-dark(#e8ebf0, #2d3340));
    --_accent: var(--gag-accent, light-dark(#2563eb, #60a5fa));
    --_error: var(--gag-error, light-dark(#b42318, #f28b82));
    color-scheme: light;
    display: inline-block;
    min-width: 16rem;
    color: var(--_fg);
    font: 14px/1.4 var(--gag-font, system-ui, sans-serif);
  }
  :host([theme='dark']) { color-scheme: dark; }
  :host([theme='auto']) { color-scheme: light dark; }
  :host([hidden]) { display: none; }
  :host([compact]) { min-width: 12rem; font-size: 12px; }
  .phone {
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: var(--gag-radius, 10px);
    padding: 0.75em 1em;
    box-shadow: var(--gag-shadow, 0 2px 8px rgb(0 0 0 / 8%));
  }
  :host([compact]) .phone { padding: 0.4em 0.6em; }
  .status { display: flex; align-items: center; gap: 0.5em; font-weight: 600; }
  .dot { width: 0.6em; height: 0.6em; border-radius: 50%; background: var(--gag-offline, #9aa3b2); }
  .online .dot { background: var(--gag-online, #1f9d55); }
  .ringing .dot { background: var(--gag-ringing, #e67e22); animation: pulse 1s infinite; }
  .talking .dot { background: var(--gag-talking, #2563eb); }
  @keyframes pulse { 50% { opacity: 0.3; } }
  @media (prefers-reduced-motion: reduce) { .dot { animation: none !important; } }
  .timer { margin-left: auto; font-weight: 400; font-variant-numeric: tabular-nums; }
  .caller { margin: 0.5em 0; }
  .caller:empty { margin: 0; }
  .number { font-size: 1.3em; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
  .name, .group, .note, label { color: var(--_muted); }
  .note:not(:empty) { margin: 0.25em 0 0; }
  .error { color: var(--_error); margin: 0.5em 0 0; }
  .actions, .dialer { display: flex; flex-wrap: wrap; gap: 0.5em; margin-top: 0.5em; }
  button, input, select { font: inherit; color: inherit; border-radius: 6px; }
  button { border: 0; padding: 0.45em 0.9em; cursor: pointer; background: var(--_button); }
  :host([compact]) button { padding: 0.3em 0.6em; }
  input, select { background: var(--_bg); border: 1px solid var(--_border); padding: 0.35em 0.5em; min-width: 0; }
  :focus-visible { outline: 3px solid var(--gag-focus, var(--_accent)); outline-offset: 2px; }
  .phone:focus { outline: none; }
  button.answer, button.call { background: var(--gag-answer, #17803d); color: #fff; }
  button.reject, button.hangup { background: var(--gag-danger, #c0392b); color: #fff; }
  button[aria-pressed='true'], button[aria-expanded='true'] { background: var(--_fg); color: var(--_bg); }
  button:disabled { cursor: default; opacity: 0.6; }
  .dialer input { flex: 1; }
  .keypad { display: grid; grid-template-columns: repeat(3, 1fr); gap: 0.3em; margin-top: 0.5em; }
  .keypad output { grid-column: 1 / -1; min-height: 1.4em; text-align: center; font-variant-numeric: tabular-nums; }
  .keypad button { font-size: 1.15em; }
  .audio { display: grid; gap: 0.5em; margin-top: 0.5em; }
  .audio label { display: grid; gap: 0.15em; }
  input[type='range'] { accent-color: var(--_accent); padding: 0; border: 0; }
  .more { margin-top: 0.5em; }
`;
