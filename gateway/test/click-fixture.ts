/**
 * A gateway on loopback with click-to-call through a fake AMI or a fake ARI (real TCP/HTTP on
 * port 0), a fake Asterisk the fakes ring back through, logged-in phones, and an HTTP client for
 * the operations API. `stop()` closes everything.
 */
import { once } from 'node:events';
import { vi } from 'vitest';
import type { ServerMessage } from '@gag/sdk/protocol';
import { FakeAmi, FakeAri, FakeAsterisk, type DialIdVia } from '@gag/e2e';
import { TEST_SECRET, captureLogs, testConfig } from '@gag/testkit/gateway';
import { TestPhone } from '@gag/testkit/phone';
import { mintToken } from '../src/access/token.js';
import type { GatewayConfigInput } from '../src/config/schema.js';
import { createLogger } from '../src/log.js';
import type { ReconnectPolicy } from '../src/originate/reconnect-policy.js';
import { startGateway, type Gateway } from '../src/server.js';

export const ADMIN_TOKEN = 'admin-token-0123456789abcdef0123456789abcdef';
export const AMI_SECRET = 'ami-secret-that-must-never-be-logged';
export const ARI_PASSWORD = 'ari-password-that-must-never-be-logged';

/** Retry the AMI every 20 ms: a reconnect test waits for the event, not for a back-off table. */
export const QUICK_RETRY: ReconnectPolicy = { nextRetryDelayMs: () => 20 };

export interface HttpResult {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  readonly json: unknown;
}

export interface ClickToCall {
  readonly gw: Gateway;
  readonly asterisk: FakeAsterisk;
  /** Set with backend `ami`. */
  readonly ami: FakeAmi | undefined;
  /** Set with backend `ari`. */
  readonly ari: FakeAri | undefined;
  readonly logs: Array<Record<string, unknown> & { msg: string }>;
  token(extension: string): Promise<string>;
  /** A logged-in phone, with the `welcome` it got. */
  phone(extension: string): Promise<LoggedInPhone>;
  /** A request to the browser listener (`/api/…`, `/metrics`, `/readyz`). */
  http(path: string, init?: RequestInit): Promise<HttpResult>;
  /** The same with `Authorization: Bearer <admin token>`. */
  admin(path: string, init?: RequestInit): Promise<HttpResult>;
  stop(): Promise<void>;
}

export type LoggedInPhone = TestPhone & { readonly welcome: Extract<ServerMessage, { type: 'welcome' }> };

export interface ClickOptions {
  readonly backend: 'ami' | 'ari' | 'none';
  readonly config?: Partial<GatewayConfigInput>;
  /** What the fake AMI accepts as the secret (default: the one the gateway is given). */
  readonly amiAcceptsSecret?: string;
  readonly dialIdVia?: DialIdVia;
  /** Wait until the AMI is logged in (default true; false for a login that is meant to fail). */
  readonly waitReady?: boolean;
}

export async function startClickToCall(options: ClickOptions): Promise<ClickToCall> {
  const { logs, sink } = captureLogs();
  const via = options.dialIdVia ?? 'param';
  const ami = options.backend === 'ami' ? await FakeAmi.start({ secret: options.amiAcceptsSecret ?? AMI_SECRET, dialIdVia: via }) : undefined;
  const ari = options.backend === 'ari' ? await FakeAri.start({ password: ARI_PASSWORD, dialIdVia: via }) : undefined;
  const backend: Partial<GatewayConfigInput> =
    ami !== undefined
      ? { originate: 'ami', ami_port: ami.port, ami_username: 'gag', ami_secret: AMI_SECRET }
      : ari !== undefined
        ? { originate: 'ari', ari_url: ari.url, ari_username: 'gag', ari_password: ARI_PASSWORD }
        : {};
  const config = testConfig({ admin_token: ADMIN_TOKEN, ...backend, ...options.config });
  const gw = await startGateway(config, { log: createLogger('debug', sink), amiReconnectPolicy: QUICK_RETRY });
  const asterisk = new FakeAsterisk({ url: gw.asteriskUrl });
  if (ami !== undefined) ami.asterisk = asterisk;
  if (ari !== undefined) ari.asterisk = asterisk;
  const phones: TestPhone[] = [];
  const base = gw.browserUrl.replace(/^ws/, 'http');
  const http = async (path: string, init: RequestInit = {}): Promise<HttpResult> => {
    const res = await fetch(`${base}${path}`, { ...init, signal: AbortSignal.timeout(3_000) });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  };
  const token = (extension: string): Promise<string> => mintToken({ secret: TEST_SECRET, extension, ttlSeconds: 60 });
  if (ami !== undefined && options.waitReady !== false) {
    await vi.waitFor(async () => {
      if (!(await gw.dialer.isReady())) throw new Error('the gateway did not log in to the fake AMI');
    }, { timeout: 2_000, interval: 10 });
  }
  return {
    gw,
    asterisk,
    ami,
    ari,
    logs,
    token,
    async phone(extension) {
      const phone = new TestPhone(gw.browserUrl);
      phones.push(phone);
      await once(phone.ws, 'open', { signal: AbortSignal.timeout(2_000) });
      phone.send({ type: 'hello', token: await token(extension) });
      return Object.assign(phone, { welcome: await phone.next('welcome') });
    },
    http,
    admin: (path, init = {}) => http(path, { ...init, headers: { ...(init.headers as Record<string, string> | undefined), Authorization: `Bearer ${ADMIN_TOKEN}` } }),
    async stop() {
      for (const p of phones) p.close();
      await asterisk.close();
      await ami?.close();
      await ari?.close();
      await gw.close();
    },
  };
}
