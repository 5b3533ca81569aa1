/**
 * Addresses in the config: listen addresses in GoAstGateway's Go form (`host:port`, `:port` for
 * every interface, or `[ipv6]:port`), and the IP rules of the allow-lists (addresses and CIDRs).
 * @packageDocumentation
 */
import { isIP } from 'node:net';

/** Whether `rule` is an IP address or a CIDR (`192.168.0.0/16`, `fd00::/8`). */
export function isIpRule(rule: string): boolean {
  const [addr = '', prefix, extra] = rule.split('/');
  const family = isIP(addr);
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

/** Where a listener binds; `host` undefined means every interface. */
export interface ListenAddress {
  readonly host: string | undefined;
  readonly port: number;
}

const ADDRESS = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]*)):(\d{1,5})$/;

/** Parse `host:port`; undefined when it is not one. Port 0 picks a free port (tests). */
export function parseListenAddress(text: string): ListenAddress | undefined {
  const m = ADDRESS.exec(text);
  if (m === null) return undefined;
  const port = Number(m[3]);
  if (port > 65_535) return undefined;
  const host = m[1] ?? m[2] ?? '';
  if (m[1] !== undefined && isIP(host) !== 6) return undefined;
  return { host: host === '' ? undefined : host, port };
}

/** Whether the address binds to loopback only (so plain ws:// is acceptable). */
export function isLoopback(address: ListenAddress): boolean {
  const h = address.host;
  return h === 'localhost' || h === '::1' || (h !== undefined && /^127\.\d+\.\d+\.\d+$/.test(h));
}
