import { GagClient } from '@gag/sdk';
import { SupervisorBoard, SupervisorRefusedError, type BoardCall, type Supervision } from '@gag/sdk/supervisor';

/** A wallboard in plain DOM for a supervisor's token: one line per call, its time, and Listen / Whisper / Leave. */
export async function mountBoard(root: HTMLElement, url: string, getToken: () => Promise<string>): Promise<SupervisorBoard> {
  const client = new GagClient({ url, getToken, ringtone: false });
  const board = new SupervisorBoard(client);
  let mine: Supervision | undefined;
  const line = (call: BoardCall): HTMLElement => {
    const row = document.createElement('p');
    const since = call.answeredAt ?? call.startedAt; // a ringing call's wait, a talking call's length
    row.textContent = `${call.agent ?? call.group ?? '?'} ${call.callerNumber ?? ''} ${Math.round(board.elapsedMs(since) / 1000)} s `;
    if (call.state !== 'talking') return row;
    for (const mode of ['listen', 'whisper'] as const) {
      const button = row.appendChild(document.createElement('button'));
      button.textContent = mode;
      button.setAttribute('aria-pressed', String(mine?.callId === call.callId && mine.mode === mode));
      // From a click: joining starts the call's audio (and the microphone, sent only while whispering).
      button.onclick = () => void board.supervise(call.callId, mode).then(render, show);
    }
    if (mine?.callId === call.callId) row.appendChild(Object.assign(document.createElement('button'), { textContent: 'leave', onclick: () => void mine?.leave().catch(show) }));
    return row;
  };
  const render = (): void => root.replaceChildren(...[...board.calls.values()].map(line));
  const show = (e: unknown): void => void (root.title = e instanceof SupervisorRefusedError ? `refused: ${e.reason}` : String(e));
  board.on('synced', render).on('call', render).on('agent', render);
  board.on('supervising', (s) => {
    mine = s;
    s.on('mode', render).once('ended', () => {
      mine = undefined;
      render();
    });
  });
  setInterval(render, 1_000); // the times move on
  await client.connect();
  await board.watch(); // watched again by itself after every reconnect
  return board;
}
