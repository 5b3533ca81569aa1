/**
 * The parts of `<gag-phone>` that stand alone, in Chromium: both languages carry every label;
 * errors map to the message that says what to do; `tel:` links route to the phone; the token
 * comes from the callback, the token URL or the attribute, in that order.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { render } from 'lit';
import { GagError, TokenRefusedError } from '@gag/sdk';
import { renderCaller } from '../../src/call-view.js';
import { errorKind } from '../../src/error-kind.js';
import { autoFormat, formatNumber } from '../../src/number-format.js';
import { en } from '../../src/labels/en.js';
import { ja } from '../../src/labels/ja.js';
import { telNumber, watchTelLinks } from '../../src/tel-links.js';
import { fetchToken, tokenGetter } from '../../src/token-source.js';

/** Every label's path and text, nested groups included. */
function entries(labels: object, prefix = ''): Array<[string, string]> {
  return Object.entries(labels).flatMap(([key, value]): Array<[string, string]> =>
    typeof value === 'string' ? [[prefix + key, value]] : entries(value as object, `${prefix}${key}.`),
  );
}

describe('labels', () => {
  test('English and Japanese have the same keys, no empty text, and the same {placeholders}', () => {
    const english = new Map(entries(en));
    const japanese = new Map(entries(ja));
    expect([...japanese.keys()].sort()).toEqual([...english.keys()].sort());
    for (const [key, text] of english) {
      const other = japanese.get(key) ?? '';
      expect(text.trim(), key).not.toBe('');
      expect(other.trim(), key).not.toBe('');
      expect(other.match(/\{\w+\}/g) ?? [], `placeholders of ${key}`).toEqual(text.match(/\{\w+\}/g) ?? []);
    }
  });
});

describe('what the phone shows of a call', () => {
  const shown = (call: Parameters<typeof renderCaller>[1]): string => {
    const root = document.createElement('div');
    render(renderCaller(en, call, (n) => n), root);
    return root.textContent!.replace(/\s+/g, ' ').trim();
  };
  const call = { outbound: false, dialedNumber: null, state: 'ringing', callerNumber: '0312345678', callerName: null, group: null } as const;

  test('text from the network or the user is shown as it is, even with the $ patterns of String.replace', () => {
    expect(shown({ ...call, group: "Sales $& $' $1" })).toBe("0312345678 via Sales $& $' $1");
    expect(shown({ ...call, outbound: true, dialedNumber: "$`0312$&" })).toBe("Calling $`0312$&");
    expect(shown({ ...call, callerName: '<img src=x onerror=alert(1)>' })).toBe('0312345678 <img src=x onerror=alert(1)>');
  });

  test('a caller with a name and no number is shown by the name, not as an unknown caller', () => {
    expect(shown({ ...call, callerNumber: null, callerName: 'Echo test' })).toBe('Echo test');
    expect(shown({ ...call, callerNumber: null })).toBe('Unknown caller');
  });
});

describe('format-number', () => {
  test('auto groups Japanese and North American numbers as people write them, and leaves the rest as it is', () => {
    const cases = {
      '0355550100': '03-5555-0100',
      '0612345678': '06-1234-5678',
      '0451234567': '045-123-4567',
      '09012345678': '090-1234-5678',
      '05012345678': '050-1234-5678',
      '0120123456': '0120-123-456',
      '08001234567': '0800-123-4567',
      '+81355550100': '+81 3-5555-0100',
      '+819012345678': '+81 90-1234-5678',
      '+14155550100': '+1 415-555-0100',
      '+442079460000': '+442079460000',
      '2001': '2001',
      '*43': '*43',
      '035555': '035555',
    };
    for (const [number, written] of Object.entries(cases)) expect(autoFormat(number), number).toBe(written);
  });

  test('none shows numbers as they arrive; a page function writes them its way, and one that throws leaves them as they arrived', () => {
    expect(formatNumber('0355550100', 'none')).toBe('0355550100');
    expect(formatNumber('0355550100', (n) => `(${n})`)).toBe('(0355550100)');
    expect(formatNumber('0355550100', () => { throw new Error('page bug'); })).toBe('0355550100');
  });
});

describe('errorKind', () => {
  const media = (name: string): GagError => new GagError('GAG_MEDIA', 'x', { cause: new DOMException('x', name) });

  test('a refused token says sign in again, an unreachable gateway says retrying, a bad server address says ask the administrator', () => {
    expect(errorKind(new GagError('GAG_TOKEN_INVALID', 'x'))).toBe('token');
    expect(errorKind(new GagError('GAG_NOT_CONNECTED', 'x'))).toBe('unreachable');
    expect(errorKind(new GagError('GAG_REFUSED', 'x'))).toBe('refused');
    expect(errorKind(new GagError('GAG_OPTIONS_INVALID', 'x'))).toBe('config');
    expect(errorKind(new TokenRefusedError('signature', 'x'))).toBe('tokenKey');
    expect(errorKind(new TokenRefusedError('algorithm', 'x'))).toBe('tokenKey');
    expect(errorKind(new TokenRefusedError('expired', 'x'))).toBe('tokenExpired');
    expect(errorKind(new TokenRefusedError('not_yet_valid', 'x'))).toBe('tokenEarly');
    expect(errorKind(new TokenRefusedError('claims', 'x'))).toBe('tokenClaims');
    expect(en.errors.token).toMatch(/sign in again/i);
    expect(en.errors.unreachable).toMatch(/retrying/i);
    expect(en.errors.config).toMatch(/administrator/i);
  });

  test('a microphone error says what the browser refused: the permission, no device, a device in use; other media errors are about sound', () => {
    expect(errorKind(media('NotAllowedError'))).toBe('micBlocked');
    expect(errorKind(media('SecurityError'))).toBe('micBlocked');
    expect(errorKind(media('NotFoundError'))).toBe('micMissing');
    expect(errorKind(media('OverconstrainedError'))).toBe('micMissing');
    expect(errorKind(media('NotReadableError'))).toBe('micBusy');
    expect(errorKind(new GagError('GAG_MEDIA', 'the audio output could not be started'))).toBe('audio');
  });

  test('a token that could not be fetched for a moment (network, a token server answering 5xx) is "retrying", not "sign in again"', () => {
    const fetchFailed = new GagError('GAG_TOKEN_INVALID', 'getToken() failed', { cause: new TypeError('Failed to fetch') });
    const busy = new GagError('GAG_TOKEN_INVALID', 'getToken() failed', { cause: new GagError('GAG_NOT_CONNECTED', 'token-url: the server answered 503') });
    const refused = new GagError('GAG_TOKEN_INVALID', 'getToken() failed', { cause: new GagError('GAG_TOKEN_INVALID', 'token-url: the server answered 401') });
    expect([fetchFailed, busy, refused].map(errorKind)).toEqual(['unreachable', 'unreachable', 'token']);
  });

  test('call code gone from the server (the gateway was upgraded) says reload the page; a download that failed says check the network', () => {
    expect(errorKind(new GagError('GAG_OUTDATED', 'x'))).toBe('outdated');
    expect(en.errors.outdated).toMatch(/The phone was updated.*reload the page/i);
    expect(ja.errors.outdated).toMatch(/再読み込み/);
    const download = new GagError('GAG_MEDIA', 'x', { cause: new TypeError('Failed to fetch dynamically imported module') });
    expect(errorKind(download)).toBe('download');
    expect(en.errors.download).toMatch(/check your network/i);
    // A worklet that did not load rejects with an AbortError, as a busy microphone does: never read as one.
    expect(errorKind(new GagError('GAG_MEDIA', 'x', { cause: new TypeError('could not load', { cause: new DOMException('x', 'AbortError') }) }))).toBe('download');
  });

  test('anything else is a plain "something went wrong"', () => {
    expect(errorKind(new GagError('GAG_PROTOCOL', 'x'))).toBe('other');
    expect(errorKind(new TypeError('x'))).toBe('other');
    expect(errorKind('a string')).toBe('other');
  });
});

describe('tel: links', () => {
  const stops: Array<() => void> = [];
  afterEach(() => {
    for (const stop of stops.splice(0)) stop();
    document.body.replaceChildren();
  });

  test('telNumber reads the number of a tel: URI without its parameters', () => {
    expect(telNumber('tel:+81-3-1234-5678;ext=12')).toBe('+81-3-1234-5678');
    expect(telNumber('TEL:0312345678')).toBe('0312345678');
    expect(telNumber('tel:03%201234%205678')).toBe('03 1234 5678');
    expect(telNumber('tel:')).toBeUndefined();
    expect(telNumber('tel:%E0%A4%A')).toBeUndefined();
    expect(telNumber('https://example.com/tel:123')).toBeUndefined();
  });

  /** Click `target` as a user would (left button, or with `init`); whether the page kept the link from being followed. */
  const click = (target: Element, init: MouseEventInit = {}): boolean => {
    const event = new MouseEvent('click', { bubbles: true, composed: true, cancelable: true, button: 0, ...init });
    // A listener after the phone's keeps the test page from following the link either way.
    const record = (e: Event): void => {
      prevented = e.defaultPrevented;
      e.preventDefault();
    };
    let prevented = false;
    document.addEventListener('click', record, { once: true });
    target.dispatchEvent(event);
    return prevented;
  };

  test('a plain click on a tel: link, also inside another component\'s shadow root, goes to the phone instead of the system phone app', () => {
    const numbers: string[] = [];
    stops.push(watchTelLinks((n) => (numbers.push(n), true)));
    document.body.innerHTML = '<a id="plain" href="tel:03-1234-5678"><span>call</span></a><div id="host"></div><a id="web" href="https://example.com">web</a>';
    const shadow = document.getElementById('host')!.attachShadow({ mode: 'open' });
    shadow.innerHTML = '<a href="tel:+15550100"><b>call</b></a>';

    expect(click(document.querySelector('#plain span')!)).toBe(true);
    expect(click(shadow.querySelector('b')!)).toBe(true);
    expect(click(document.getElementById('web')!)).toBe(false);
    expect(numbers).toEqual(['03-1234-5678', '+15550100']);
  });

  test('clicks with a modifier, other buttons, clicks the page already handled, and numbers the phone declines are left to the link', () => {
    let accept = true;
    const numbers: string[] = [];
    stops.push(watchTelLinks((n) => (numbers.push(n), accept)));
    document.body.innerHTML = '<a id="tel" href="tel:0312345678">call</a>';
    const link = document.getElementById('tel')!;
    expect(click(link, { ctrlKey: true })).toBe(false);
    expect(click(link, { shiftKey: true })).toBe(false);
    expect(click(link, { button: 1 })).toBe(false);
    const handled = (e: Event): void => e.preventDefault();
    link.addEventListener('click', handled, { once: true });
    expect(click(link)).toBe(true); // the page's own handler, not the phone
    expect(numbers).toEqual([]);
    accept = false;
    expect(click(link)).toBe(false);
    expect(numbers).toEqual(['0312345678']);
  });

  test('a tel: link being edited (in contenteditable, e.g. the notes editor of a CRM) is left alone: a click there places the caret, it does not call', () => {
    const numbers: string[] = [];
    stops.push(watchTelLinks((n) => (numbers.push(n), true)));
    document.body.innerHTML = '<div contenteditable="true"><p>Call back <a id="tel" href="tel:0312345678">03-1234-5678</a> tomorrow</p></div>';
    expect(click(document.getElementById('tel')!)).toBe(false);
    expect(numbers).toEqual([]);
  });

  test('after stop, links work as before', () => {
    const numbers: string[] = [];
    const stop = watchTelLinks((n) => (numbers.push(n), true));
    stop();
    document.body.innerHTML = '<a id="tel" href="tel:0312345678">call</a>';
    expect(click(document.getElementById('tel')!)).toBe(false);
    expect(numbers).toEqual([]);
  });
});

describe('tokens', () => {
  const dataUrl = (type: string, body: string): string => `data:${type},${encodeURIComponent(body)}`;

  test('token-url answers JSON {"token"} or the token as text', async () => {
    expect(await fetchToken(dataUrl('application/json', '{"token":"eyJ.a.b"}'))).toBe('eyJ.a.b');
    expect(await fetchToken(dataUrl('text/plain', 'eyJ.c.d\n'))).toBe('eyJ.c.d');
  });

  test('an answer without a token is GAG_TOKEN_INVALID, which the phone shows as "sign in again"', async () => {
    for (const body of ['', '{"jwt":"x"}', '{"token":""}']) {
      const error = await fetchToken(dataUrl('application/json', body)).catch((e: unknown) => e);
      expect(error, body).toBeInstanceOf(GagError);
      expect((error as GagError).code).toBe('GAG_TOKEN_INVALID');
      expect(errorKind(error)).toBe('token');
    }
  });

  test('the callback wins over token-url, which wins over token; each is read at every call', async () => {
    const sources = { tokenProvider: undefined as (() => string) | undefined, tokenUrl: '', token: 'fixed' };
    const getToken = tokenGetter(sources);
    expect(await getToken()).toBe('fixed');
    sources.tokenUrl = dataUrl('text/plain', 'from-url');
    expect(await getToken()).toBe('from-url');
    let n = 0;
    sources.tokenProvider = () => `fresh-${++n}`;
    expect(await getToken()).toBe('fresh-1');
    expect(await getToken()).toBe('fresh-2');
  });
});
