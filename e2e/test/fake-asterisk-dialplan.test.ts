/**
 * What the dialplan puts on a call, as a real Asterisk 23 delivers it: variables inherited by
 * `Dial()` (underscores and all), and the `v()` leak of a shared websocket_client section when
 * `leakUriParams` is on (docs/chan-websocket.md#known-asterisk-bugs; issue 13).
 */
import { describe, expect, it } from 'vitest';
import { ringBack } from '../src/fake-ami/dialplan.js';
import { FakeAsterisk, dialExtension } from '../src/index.js';
import { withFakeAsterisk } from './fake-app.js';

const fake = withFakeAsterisk();

const variablesOf = (mediaStart: string): Record<string, string> => (JSON.parse(mediaStart) as { channel_variables: Record<string, string> }).channel_variables;

describe('variables set in the dialplan', () => {
  it('arrive as Dial() inherits them: __NAME keeps its underscores, _NAME loses one, NAME stays behind', async () => {
    const { mediaStart } = await fake.dial({ format: 'json', dialplanVariables: { __GAG_DIAL_ID: 'd-1', _WS_EXTEN: '2001', LOCAL_ONLY: 'x' } });
    const variables = variablesOf(mediaStart);
    expect(variables).toMatchObject({ __GAG_DIAL_ID: 'd-1', WS_EXTEN: '2001' });
    expect(Object.keys(variables)).not.toContain('GAG_DIAL_ID');
    expect(Object.keys(variables)).not.toContain('_WS_EXTEN');
    expect(Object.keys(variables)).not.toContain('LOCAL_ONLY');
  });

  it('dialExtension in the JSON format sets _WS_EXTEN and _GAG_CALLER_* as the documented dialplan does', async () => {
    const call = dialExtension(fake.asterisk, '2001', { format: 'json', from: '0312345678', name: 'Tanaka' });
    const peer = await fake.app.nextPeer();
    const variables = variablesOf(await peer.nextText());
    await call;
    expect(variables).toMatchObject({ WS_EXTEN: '2001', GAG_CALLER_NUM: '0312345678', GAG_CALLER_NAME: 'Tanaka' });
  });

  it('a click-to-call ring back in the JSON format carries the originate’s __GAG_DIAL_ID with its underscores', async () => {
    const call = ringBack(fake.asterisk, 'Local/2001@inhouse', { __GAG_DIAL_ID: 'd-2', _ONE_HOP: 'y' }, 'variable');
    const peer = await fake.app.nextPeer();
    const variables = variablesOf(await peer.nextText());
    expect(await call).toBeDefined();
    // The Local channel copies its variables verbatim, so _ONE_HOP loses its underscore at Dial() only.
    expect(variables).toMatchObject({ __GAG_DIAL_ID: 'd-2', ONE_HOP: 'y', MEDIA_WEBSOCKET_CONNECTION_ID: 'ws-ext-2001' });
  });

  it('a ring back with the dial id as URI parameter reads ${GAG_DIAL_ID} whatever its underscores', async () => {
    const call = ringBack(fake.asterisk, 'Local/2001@inhouse', { __GAG_DIAL_ID: 'd-3' }, 'param');
    const peer = await fake.app.nextPeer();
    expect(peer.request.url).toBe('/?dial=d-3');
    await call;
  });
});

describe('the v() leak of a shared websocket_client section (leakUriParams)', () => {
  it('is off by default: a call without v() goes out with no query string', async () => {
    await fake.dial({ params: { exten: '2002', from: '0311111111' } });
    const { peer } = await fake.dial();
    expect(peer.request.url).toBe('/');
  });

  it('on, a call without v() reuses the last query string of the same connection id, while its dial string shows no v()', async () => {
    fake.asterisk = new FakeAsterisk({ url: fake.app.url, format: 'json', leakUriParams: true });
    const first = await fake.dial({ params: { exten: '2002', from: '0311111111' } });
    expect(first.peer.request.url).toBe('/?exten=2002&from=0311111111');
    await first.call.hangup();
    const { peer, mediaStart } = await fake.dial();
    expect(peer.request.url).toBe('/?exten=2002&from=0311111111');
    expect(variablesOf(mediaStart)['DIALEDPEERNUMBER']).toBe('ws-ext-2001/f(json)c(slin16)n');
  });

  it('on, a call with v() replaces the stored query string, and another connection id has its own', async () => {
    fake.asterisk = new FakeAsterisk({ url: fake.app.url, leakUriParams: true });
    await fake.dial({ params: { exten: '2002' } });
    await fake.dial({ params: { exten: '2003' } });
    const other = fake.asterisk.call('ws-ext-2009');
    const otherPeer = await fake.app.nextPeer();
    await other;
    expect(otherPeer.request.url).toBe('/');
    const { peer } = await fake.dial();
    expect(peer.request.url).toBe('/?exten=2003');
  });
});
