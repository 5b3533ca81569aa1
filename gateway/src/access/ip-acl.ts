/**
 * IP allow-lists (`allowed_asterisk_ips`, `allowed_browser_ips`): addresses and CIDRs, IPv4 and
 * IPv6, with IPv4-mapped IPv6 peers (`::ffff:127.0.0.1`) matched as IPv4. An empty list allows all,
 * as in GoAstGateway.
 * @packageDocumentation
 */
import { BlockList, isIP } from 'node:net';
import { isIpRule } from '../config/address.js';

const MAPPED_V4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

/** A peer address as the ACL sees it: IPv4-mapped IPv6 becomes plain IPv4. */
export function normalizeAddress(address: string): string {
  return MAPPED_V4.exec(address)?.[1] ?? address;
}

/** A compiled allow-list. */
export class IpAcl {
  readonly #list = new BlockList();
  readonly #allowAll: boolean;

  /** `rules` must satisfy {@link isIpRule} (the config schema checks it). */
  constructor(rules: readonly string[]) {
    this.#allowAll = rules.length === 0;
    for (const rule of rules) {
      const [written = '', prefixText] = rule.split('/');
      // Peers are normalized to plain IPv4, so mapped rules (`::ffff:10.0.0.0/104`) must be too.
      const addr = normalizeAddress(written);
      const mapped = addr !== written;
      const type = isIP(addr) === 6 ? 'ipv6' : 'ipv4';
      if (prefixText === undefined) this.#list.addAddress(addr, type);
      else this.#list.addSubnet(addr, Math.max(0, Number(prefixText) - (mapped ? 96 : 0)), type);
    }
  }

  /** Whether a peer's `remoteAddress` may connect. An unknown address is refused. */
  allows(remoteAddress: string | undefined): boolean {
    if (this.#allowAll) return true;
    if (remoteAddress === undefined) return false;
    const addr = normalizeAddress(remoteAddress);
    const family = isIP(addr);
    if (family === 0) return false;
    return this.#list.check(addr, family === 4 ? 'ipv4' : 'ipv6');
  }
}
