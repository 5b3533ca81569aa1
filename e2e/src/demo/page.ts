/** The demo page's text around the phone, in Japanese and English. */

const TEXT = {
  ja: {
    heading: 'GAG デモ',
    intro: 'このページの電話機は内線 {ext} としてゲートウェイにログインしています。Asterisk は不要です。',
    button: '自分に電話をかける (エコーテスト)',
    steps: '「応答」を押すと 1 秒間 440 Hz のトーンが鳴り、その後はマイクの音声が 0.5 秒遅れて返ってきます。電話機の番号欄 (例: 0312345678) から「発信」すると、コールバック方式の発信 (click-to-call) も試せます。',
    calling: '呼び出し中…',
    failed: '発信できませんでした: ',
    crm: 'CRM に組み込んだ例: <a href="/crm.html">顧客リストと電話機 (crm.html)</a> — 着信で顧客情報を表示し、電話番号のリンクから発信します。',
    echoCaller: 'エコーテスト',
    nobodyOnline: '内線 {ext} の電話機がオンラインではありません。電話機のページを開いて「待受中」になってからもう一度押してください。',
    noPhone: '電話機を読み込んでいます… 表示されない場合はデモのゲートウェイに接続できません。npm start が動いているか確認して、ページを再読み込みしてください。',
  },
  en: {
    heading: 'GAG demo',
    intro: 'The phone on this page is logged in to the gateway as extension {ext}. No Asterisk needed.',
    button: 'Call me (echo test)',
    steps: 'Press Answer: you hear a 440 Hz tone for one second, then your microphone, half a second late. Type a number in the phone (e.g. 0312345678) and press Call to try click-to-call by callback.',
    calling: 'Ringing…',
    failed: 'Could not call: ',
    crm: 'The phone in a CRM: <a href="/crm.html?lang=en">a customer list with the phone (crm.html)</a> — incoming calls open the customer, phone links call out.',
    echoCaller: 'Echo test',
    nobodyOnline: 'No phone of extension {ext} is online: open the phone\'s page, wait for Ready, then press again.',
    noPhone: 'Loading the phone… If it does not appear, the demo\'s gateway cannot be reached: check that npm start is running, then reload the page.',
  },
} as const;

/** The demo's texts in `lang` (for the server's own answers too). */
export const TEXT_OF = TEXT;

/** HTML above the phone: what this is. */
export function demoIntro(lang: 'ja' | 'en', extension: string): string {
  const t = TEXT[lang];
  return `<style>
  #call-me { font: inherit; padding: 0.5rem 1rem; border-radius: 6px; border: 1px solid #2563eb; background: #2563eb; color: #fff; cursor: pointer; }
  gag-phone { margin: 0.5rem 0 1rem; }
</style>
<h1>${t.heading}</h1>
<p>${t.intro.replace('{ext}', extension)}</p>`;
}

/** HTML below the phone: the echo-test button and what to expect. */
export function demoBody(lang: 'ja' | 'en'): string {
  const t = TEXT[lang];
  return `<p><button id="call-me" type="button">${t.button}</button> <span id="call-status" role="status"></span></p>
<p>${t.steps}</p>
<p>${t.crm}</p>
<script>
document.getElementById('call-me').addEventListener('click', async () => {
  const status = document.getElementById('call-status');
  status.textContent = ${JSON.stringify(t.calling)};
  const res = await fetch(${JSON.stringify(`/call-me?lang=${lang}`)}, { method: 'POST' });
  status.textContent = res.ok ? '' : ${JSON.stringify(t.failed)} + (await res.json()).error;
});
</script>`;
}
