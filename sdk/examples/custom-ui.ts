import { GagClient, type GagError } from '@gag/sdk';

/** A phone in plain DOM: a status line, a quality line, and one button that answers, then hangs up. */
export function mountPhone(root: HTMLElement, url: string, getToken: () => Promise<string>): GagClient {
  const status = root.appendChild(document.createElement('p'));
  const quality = root.appendChild(document.createElement('p'));
  const button = root.appendChild(document.createElement('button'));
  button.hidden = true;
  const client = new GagClient({ url, getToken });
  client.on('state', (state) => (status.textContent = state));
  client.on('audioBlocked', () => (status.textContent = 'Click the page to hear the ringtone'));
  document.addEventListener('click', () => void client.unlockAudio(), { once: true });
  client.on('incoming', (call) => {
    status.textContent = `Call from ${call.callerNumber ?? 'unknown'}`;
    button.textContent = 'Answer';
    button.hidden = false;
    button.onclick = () => {
      if (call.state === 'ringing') call.answer().catch((e: GagError) => (status.textContent = e.message));
      else call.hangup();
    };
    call.on('accepted', () => (button.textContent = 'Hang up'));
    call.on('quality', (q) => (quality.textContent = `mic ${q.inputLevelDbfs.toFixed(0)} dBFS, buffer ${q.depthMs.toFixed(0)} ms, RTT ${q.rttMs?.toFixed(0) ?? '?'} ms`));
    call.on('ended', (reason) => {
      status.textContent = `Call ended: ${reason}`;
      button.hidden = true;
    });
  });
  void client.connect();
  return client;
}
