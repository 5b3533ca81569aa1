import { css } from 'lit';

/**
 * Styles of `<gag-phone>`. Themeable through `--gag-*` custom properties and `::part()`.
 */
export const styles = css`
  :host {
    display: inline-block;
    font: 14px/1.4 var(--gag-font, system-ui, sans-serif);
    color: var(--gag-fg, #1d2330);
    min-width: 16rem;
  }
  .phone {
    background: var(--gag-bg, #fff);
    border: 1px solid var(--gag-border, #d5d9e0);
    border-radius: var(--gag-radius, 10px);
    padding: 0.75rem 1rem;
    box-shadow: 0 2px 8px rgb(0 0 0 / 8%);
  }
  .status {
    display: flex;
    align-items: center;
    gap: 0.5rem;
    font-weight: 600;
  }
  .dot {
    width: 0.6rem;
    height: 0.6rem;
    border-radius: 50%;
    background: var(--gag-offline, #9aa3b2);
  }
  .online .dot { background: var(--gag-online, #1f9d55); }
  .ringing .dot { background: var(--gag-ringing, #e67e22); animation: pulse 1s infinite; }
  .talking .dot { background: var(--gag-talking, #2563eb); }
  @keyframes pulse { 50% { opacity: 0.3; } }
  .caller { margin: 0.5rem 0; }
  .number { font-size: 1.3em; font-variant-numeric: tabular-nums; }
  .name, .group { color: var(--gag-muted, #5b6475); }
  .timer { font-variant-numeric: tabular-nums; margin-left: auto; font-weight: 400; }
  .note { color: var(--gag-muted, #5b6475); margin-top: 0.25rem; }
  .error { color: var(--gag-danger, #c0392b); margin-top: 0.5rem; }
  .actions { display: flex; gap: 0.5rem; margin-top: 0.5rem; }
  button {
    font: inherit;
    border: 0;
    border-radius: 6px;
    padding: 0.45rem 0.9rem;
    cursor: pointer;
    background: var(--gag-button-bg, #e8ebf0);
    color: inherit;
  }
  button:focus-visible { outline: 3px solid var(--gag-focus, #2563eb); outline-offset: 2px; }
  button.answer { background: var(--gag-answer, #1f9d55); color: #fff; }
  button.reject, button.hangup { background: var(--gag-danger, #c0392b); color: #fff; }
  .dialer { display: flex; gap: 0.5rem; margin-top: 0.5rem; }
  .dialer input { flex: 1; min-width: 0; font: inherit; padding: 0.4rem 0.6rem; border: 1px solid var(--gag-border, #d5d9e0); border-radius: 6px; }
  button.call { background: var(--gag-answer, #1f9d55); color: #fff; }
  button.unlock { margin-top: 0.5rem; }
  button[aria-pressed='true'] { background: var(--gag-pressed, #374151); color: #fff; }
`;
