/**
 * Draining (issue 17, docs/cluster.md#rolling-upgrades): the gateway stops taking browsers (new
 * ones get 503, idle ones are closed with 1001 so the SDK logs in on another node, each talking
 * one as soon as its call ends) and says so on `/readyz`, so a load balancer sends it no more
 * calls; the calls that are up go on to their end. Then the process can stop without cutting one.
 * @packageDocumentation
 */
import type { BrowserListener } from './browser/listener.js';
import type { Phone } from './browser/phone.js';
import type { Registry } from './browser/registration.js';
import type { Activity } from './calls/activity.js';
import type { Router } from './calls/router.js';
import type { Logger } from './log.js';

/** What draining needs of the gateway. */
export interface DrainDeps {
  readonly registry: Registry;
  readonly router: Router;
  readonly activity: Activity;
  readonly browser: BrowserListener;
  readonly log: Logger;
}

/** The reason idle browsers are given when they are closed. */
const REASON = 'gateway draining: log in on another node';

/**
 * Start draining; resolves once no call is left (at once when none is up).
 * @example await drainGateway({ registry, router, activity, browser, log }); await gateway.close();
 */
export function drainGateway(deps: DrainDeps): Promise<void> {
  const { registry, router, activity, browser, log } = deps;
  browser.drain();
  const live = (): number => router.calls.filter((call) => call.state !== 'ended').length;
  log.info({ calls: live() }, 'draining: no new browsers; idle ones are sent away; exiting once the calls have ended');
  // This node's phones only: another node's (mirrored here) drain with their own node.
  const idle = (phone: Phone): boolean => phone.node === undefined && router.callOf(phone) === undefined;
  for (const phone of registry.all()) if (idle(phone)) phone.goAway(REASON);
  return new Promise<void>((resolve) => {
    const onCall = (): void => {
      for (const phone of registry.all()) if (idle(phone)) phone.goAway(REASON);
      if (live() > 0) return;
      activity.off('call', onCall);
      log.info('drained: no call left');
      resolve();
    };
    activity.on('call', onCall);
    onCall();
  });
}
