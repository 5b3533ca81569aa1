/**
 * The name the tabs of one phone share, for their Web Lock and their BroadcastChannel.
 * @packageDocumentation
 */

/** The extension claim of a JWT, read but not verified: it only groups this browser's tabs. */
function extensionClaim(token: string): string {
  try {
    const claims: unknown = JSON.parse(atob((token.split('.')[1] ?? '').replace(/-/g, '+').replace(/_/g, '/')));
    const ext = (claims as { ext?: unknown } | null)?.ext;
    return typeof ext === 'string' ? ext : '';
  } catch {
    return ''; // not a JWT: the gateway will say so; the tabs of this server share one phone
  }
}

/**
 * The name the tabs of one phone share: the gateway and the token's extension (a fresh token per
 * page still names the same phone).
 * @example phoneLockName('wss://gw.example.com:8766', token) // 'gag-phone:wss://gw.example.com:8766:2001'
 */
export function phoneLockName(server: string, token: string): string {
  return `gag-phone:${server}:${extensionClaim(token)}`;
}
