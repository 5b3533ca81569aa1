import { canChooseAudioOutput, listAudioDevices, watchAudioDevices, type AudioDevices, type GagClient } from '@gag/sdk';

/** What the user chose in the settings, kept by the page (e.g. in localStorage). */
export interface SavedDevices {
  microphoneId?: string;
  outputId?: string;
  volume: number;
}

/** Fill a microphone <select> and keep it current; every call uses the saved choices, and a change applies at once. */
export async function deviceSettings(client: GagClient, micSelect: HTMLSelectElement, saved: SavedDevices): Promise<() => void> {
  const fill = ({ inputs }: AudioDevices): void =>
    micSelect.replaceChildren(...inputs.map((d) => new Option(d.label || 'Microphone', d.deviceId, false, d.deviceId === saved.microphoneId)));
  fill(await listAudioDevices({ askPermission: true })); // from a click: the browser may ask for the microphone
  micSelect.onchange = () => {
    saved.microphoneId = micSelect.value;
    for (const call of client.calls) call.setMicrophone(saved.microphoneId).catch((e: Error) => alert(e.message));
  };
  client.on('incoming', (call) => {
    call.setVolume(saved.volume);
    call.on('deviceLost', (lost) => alert(`${lost.kind} unplugged: the call goes on with the default one`));
    // While ringing, these choose what answer() opens.
    void call.setMicrophone(saved.microphoneId);
    if (canChooseAudioOutput()) call.setOutput(saved.outputId).catch(() => (saved.outputId = undefined));
  });
  return watchAudioDevices(fill);
}
