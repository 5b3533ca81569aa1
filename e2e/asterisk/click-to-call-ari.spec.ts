/** Click-to-call through a real Asterisk's ARI (`POST /ari/channels`), with the cookbook's http.conf and ari.conf. */
import { callOutAndTalk } from './call-out.js';
import { expect, test } from './fixtures.js';

test.use({ asteriskBackend: 'ari' });

test("the dialer calls out through ARI: the call back is the agent's own and audio flows both ways with the far end", async ({ phone, gag, ami, realAsterisk }) => {
  await expect.poll(() => gag.gateway.dialer.isReady(), { message: 'the gateway reaches ARI' }).toBe(true);
  await callOutAndTalk(phone, ami, realAsterisk, '03-2222-0001', '0322220001');
});
