/**
 * What `<gag-board>` shows: the agents with their presence and time in it, the groups' queues
 * (ringing calls and how long each waits), and the calls in progress with Listen / Whisper /
 * Barge (the supervisor's own mode pressed) and Leave. Tables with headers, so a screen reader
 * reads each cell with its row and column.
 * @packageDocumentation
 */
import { html, nothing, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { SUPERVISE_MODES, type BoardAgent, type BoardCall, type SuperviseMode } from '@gag/sdk/supervisor';
import { clock, fill } from '../call-view.js';
import type { BoardLabels } from '../labels/board-en.js';

/** What the view needs from the element. */
export interface BoardViewModel {
  readonly agents: readonly BoardAgent[];
  readonly calls: readonly BoardCall[];
  /** Time since a gateway timestamp, ms (the board's clock offset applied). */
  elapsedMs(sinceMs: number): number;
  /** A number as the board writes it (`format-number`). */
  format(number: string): string;
  /** The call this supervisor is in and its mode, if any. */
  readonly mine: { readonly callId: string; readonly mode: SuperviseMode } | undefined;
  /** A request is on its way: the buttons wait (aria-disabled, keeping the focus where it is). */
  readonly busy: boolean;
}

/** What the buttons do. */
export interface BoardActions {
  supervise(callId: string, mode: SuperviseMode): void;
  leave(callId: string): void;
}

/** The caller as the board names it: number (formatted) and name, or "Unknown caller". */
export function callerOf(t: BoardLabels, call: BoardCall, format: (n: string) => string): string {
  const parts = [call.callerNumber === null ? '' : format(call.callerNumber), call.callerName ?? ''].filter(Boolean);
  return parts.length === 0 ? t.unknownCaller : parts.join(' ');
}

/** Who a call is between, for its buttons' group and the announcements: `2001 · 03-1234-5678`. */
export const whoOf = (t: BoardLabels, call: BoardCall, format: (n: string) => string): string =>
  [call.agent ?? call.extension ?? call.group ?? '', callerOf(t, call, format)].filter(Boolean).join(' · ');

const byExtension = (a: BoardAgent, b: BoardAgent): number => a.extension.localeCompare(b.extension, undefined, { numeric: true });

function renderAgents(t: BoardLabels, m: BoardViewModel): TemplateResult {
  if (m.agents.length === 0) return html`<p class="empty">${t.noAgents}</p>`;
  return html`<table class="agents" part="agents-table" aria-labelledby="agents-heading">
    <thead><tr><th scope="col">${t.agent}</th><th scope="col">${t.status}</th><th scope="col">${t.time}</th><th scope="col">${t.groups}</th></tr></thead>
    <tbody>
      ${repeat(
        [...m.agents].sort(byExtension),
        (a) => a.extension,
        (a) => html`<tr class="presence-${a.presence}">
          <th scope="row">${a.extension}</th>
          <td><span class="presence" aria-hidden="true"></span>${t.presence[a.presence]}</td>
          <td class="time">${a.presence === 'ringing' || a.presence === 'talking' ? clock(m.elapsedMs(a.since)) : ''}</td>
          <td class="groups">${a.groups.join(', ')}</td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}

function renderQueues(t: BoardLabels, m: BoardViewModel): TemplateResult {
  const ringing = m.calls.filter((c) => c.state === 'ringing').sort((a, b) => a.startedAt - b.startedAt);
  if (ringing.length === 0) return html`<p class="empty">${t.noQueue}</p>`;
  const queues = new Map<string, BoardCall[]>();
  for (const call of ringing) {
    const name = call.group ?? t.direct;
    queues.set(name, [...(queues.get(name) ?? []), call]);
  }
  return html`${repeat(
    [...queues],
    ([name]) => name,
    ([name, calls]) => html`<table class="queue" part="queue">
      <caption>${name} <span class="count">${fill(t.waitingCount, String(calls.length))}</span></caption>
      <thead><tr><th scope="col">${t.caller}</th><th scope="col">${t.waiting}</th></tr></thead>
      <tbody>
        ${repeat(
          calls,
          (c) => c.callId,
          (c) => html`<tr><th scope="row">${callerOf(t, c, m.format)}</th><td class="time">${clock(m.elapsedMs(c.startedAt))}</td></tr>`,
        )}
      </tbody>
    </table>`,
  )}`;
}

function renderModes(t: BoardLabels, m: BoardViewModel, call: BoardCall, on: BoardActions): TemplateResult {
  const mine = m.mine?.callId === call.callId ? m.mine : undefined;
  return html`<div class="modes" role="group" aria-label=${whoOf(t, call, m.format)}>
    ${SUPERVISE_MODES.map(
      (mode) => html`<button
        class="mode ${mode}"
        part="button mode ${mode}"
        data-mode=${mode}
        aria-pressed=${mine?.mode === mode ? 'true' : 'false'}
        title=${t.modeHints[mode]}
        aria-disabled=${m.busy ? 'true' : 'false'}
        @click=${() => on.supervise(call.callId, mode)}
      >${t.modes[mode]}</button>`,
    )}
    ${mine === undefined ? nothing : html`<button class="leave" part="button leave" aria-disabled=${m.busy ? 'true' : 'false'} @click=${() => on.leave(call.callId)}>${t.leave}</button>`}
  </div>`;
}

function renderCalls(t: BoardLabels, m: BoardViewModel, on: BoardActions): TemplateResult {
  const talking = m.calls.filter((c) => c.state === 'talking').sort((a, b) => (a.answeredAt ?? 0) - (b.answeredAt ?? 0));
  if (talking.length === 0) return html`<p class="empty">${t.noCalls}</p>`;
  return html`<table class="calls" part="calls-table" aria-labelledby="calls-heading">
    <thead><tr><th scope="col">${t.agent}</th><th scope="col">${t.caller}</th><th scope="col">${t.time}</th><th scope="col">${t.actions}</th></tr></thead>
    <tbody>
      ${repeat(
        talking,
        (c) => c.callId,
        (c) => html`<tr class=${m.mine?.callId === c.callId ? 'mine' : ''} data-call=${c.callId}>
          <th scope="row">${c.agent ?? c.extension ?? ''}</th>
          <td>${callerOf(t, c, m.format)}${c.group === null ? nothing : html` <span class="group">${c.group}</span>`}${c.supervisors.length === 0
            ? nothing
            : html`<div class="supervisors">${fill(t.supervisors, c.supervisors.map((s) => `${s.extension} (${t.modes[s.mode]})`).join(', '))}</div>`}</td>
          <td class="time">${clock(m.elapsedMs(c.answeredAt ?? c.startedAt))}</td>
          <td>${renderModes(t, m, c, on)}</td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}

/** The three sections of the board. */
export function renderBoard(t: BoardLabels, m: BoardViewModel, on: BoardActions): TemplateResult {
  return html`<section class="section" part="calls" aria-labelledby="calls-heading">
      <h3 id="calls-heading" tabindex="-1">${t.calls}</h3>
      ${renderCalls(t, m, on)}
    </section>
    <section class="section" part="queues" aria-labelledby="queues-heading">
      <h3 id="queues-heading">${t.queues}</h3>
      ${renderQueues(t, m)}
    </section>
    <section class="section" part="agents" aria-labelledby="agents-heading">
      <h3 id="agents-heading">${t.agents}</h3>
      ${renderAgents(t, m)}
    </section>`;
}
