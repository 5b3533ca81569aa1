/**
 * What the real-Asterisk tier adds to the cookbook (docs/asterisk.md): the cookbook's files with
 * this run's ports, Basic auth in the `[gag]` template (as the cookbook says to add it), a test
 * AMI user that sees every event, the callers and the far end the tests drive, the codec
 * variants of `[inhouse]`, and sections with a wrong or no password.
 * @packageDocumentation
 */
import { readCookbook, substituteOnce } from '../src/real-asterisk/cookbook.js';

/** The cookbook's credentials (placeholders an admin replaces; fine on loopback). */
export const DOC_SECRET = 'change-me-openssl-rand-hex-16';
export const DOC_USER = 'gag';
/** The test's own AMI login: reads every event (DialEnd, UserEvent…). */
export const TEST_AMI = { username: 'gag-test', secret: 'gag-test-ami-secret' } as const;
/** The codecs besides slin16 the cookbook says to dial with `c(…)`. */
export const OTHER_CODECS = ['ulaw', 'alaw', 'slin'] as const;

/** This run's ports and folders. */
export interface LabPorts {
  readonly gateway: number;
  readonly ami: number;
  readonly http: number;
  /** Where recordings go (`RealAsterisk.recording()`'s folder). */
  readonly recordings: string;
}

/** The context `[name]` of `conf`: its header and lines up to the next context. */
function context(conf: string, name: string): string {
  const start = conf.indexOf(`[${name}]`);
  if (start < 0) throw new Error(`docs/asterisk.md has no [${name}] context`);
  const next = conf.indexOf('\n[', start + 1);
  return conf.slice(start, next < 0 ? undefined : next + 1);
}

const replaceOnce = (text: string, from: string, to: string, where: string): string =>
  substituteOnce(text, from, to, `docs/asterisk.md: ${where}`, 'e2e/asterisk/test-dialplan.ts');

/** The config files of one test run. */
export function labFiles(cookbookPath: string, ports: LabPorts): Record<string, string> {
  const doc = readCookbook(cookbookPath);
  const need = (name: string): string => {
    const text = doc[name];
    if (text === undefined) throw new Error(`docs/asterisk.md has no \`\`\`ini ${name} block`);
    return text;
  };
  let clients = replaceOnce(need('websocket_client.conf'), 'uri = ws://127.0.0.1:8765', `uri = ws://127.0.0.1:${ports.gateway}`, 'websocket_client.conf');
  clients = replaceOnce(clients, 'tls_enabled = no\n', `tls_enabled = no\nusername = ${DOC_USER}\npassword = ${DOC_SECRET}\n`, 'the [gag] template');
  const inhouse = context(need('extensions.conf'), 'inhouse');
  const rec = ports.recordings;
  return {
    'modules.conf': '[modules]\nautoload = yes\n',
    'logger.conf': '[general]\n[logfiles]\nmessages.log => notice,warning,error\n',
    'websocket_client.conf': `${clients}
; ---- test only: a section with a wrong password and one with none
[ws-ext-2001-wrong](gag)
password = wrong-password
[ws-ext-2001-none]
type = websocket_client
uri = ws://127.0.0.1:${ports.gateway}
protocols = media
connection_type = per_call_config
connection_timeout = 500
reconnect_interval = 500
reconnect_attempts = 1
tls_enabled = no
`,
    'manager.conf': `${replaceOnce(need('manager.conf'), 'port = 5038', `port = ${ports.ami}`, 'manager.conf')}
; ---- test only
[${TEST_AMI.username}]
secret = ${TEST_AMI.secret}
deny = 0.0.0.0/0.0.0.0
permit = 127.0.0.1/255.255.255.255
read = all
write = all
`,
    'http.conf': replaceOnce(need('http.conf'), 'bindport = 8088', `bindport = ${ports.http}`, 'http.conf'),
    'ari.conf': need('ari.conf'),
    'extensions.conf': `${need('extensions.conf')}
; ---- test only: [inhouse] dialled with the other codecs, as the cookbook says
${OTHER_CODECS.map((codec) => replaceOnce(inhouse.replace('[inhouse]', `[inhouse-${codec}]`), 'c(slin16)', `c(${codec})`, '[inhouse]')).join('\n')}
[auth-test]
; A refused connection fails before Dial() has a channel to report on: say DIALSTATUS here.
exten => wrong,1,Dial(WebSocket/ws-ext-2001-wrong/c(slin16)n,30,r)
 same => n,UserEvent(GagDialStatus,Status: \${DIALSTATUS})
exten => none,1,Dial(WebSocket/ws-ext-2001-none/c(slin16)n,30,r)
 same => n,UserEvent(GagDialStatus,Status: \${DIALSTATUS})

; The callers: the originated Local channel's other half runs one of these once the phone answers.
[gag-test]
; Plays 440 Hz to the phone; records what it hears from the phone (\${GAG_REC}-rx.wav16).
; Up to 15 minutes: the long-call test holds it for GAG_LONG_CALL_MINUTES.
exten => tone,1,Answer()
 same => n,MixMonitor(\${GAG_REC}-mix.wav16,r(\${GAG_REC}-rx.wav16))
 same => n,Playtones(440)
 same => n,Wait(900)
 same => n,Hangup()
; Presses keys towards the phone.
exten => keys,1,Answer()
 same => n,Wait(1)
 same => n,SendDTMF(159#)
 same => n,Wait(120)
 same => n,Hangup()

; The far end of click-to-call, in place of the cookbook's trunk.
[outgoing]
; Any number: a tone, and a recording of the agent (far-<number>-rx.wav16).
exten => _0X.,1,Answer()
 same => n,UserEvent(GagFarEnd,Number: \${EXTEN})
 same => n,MixMonitor(${rec}/far-\${EXTEN}-mix.wav16,r(${rec}/far-\${EXTEN}-rx.wav16))
 same => n,Playtones(440)
 same => n,Wait(120)
 same => n,Hangup()
; 09…: an IVR reading up to 4 keys, ended by #.
exten => _09X.,1,Answer()
 same => n,UserEvent(GagFarEnd,Number: \${EXTEN})
 same => n,Read(DIGITS,,4,,1,30)
 same => n,UserEvent(GagDigits,Digits: \${DIGITS})
 same => n,Wait(120)
 same => n,Hangup()
`,
  };
}
