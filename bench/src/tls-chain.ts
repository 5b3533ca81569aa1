/**
 * A real certificate chain for one bench run, as a deployment has: a CA (the load generator
 * trusts it, nothing else) and a server certificate for `localhost`/127.0.0.1 signed by it, made
 * with Debian's `openssl` into a temp folder that the run removes. ECDSA P-256 keys, as a
 * certificate from a public CA would usually carry today.
 * @packageDocumentation
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The files a gateway's `cert_file`/`key_file` name, and the CA the clients trust. */
export interface TlsChain {
  readonly certFile: string;
  readonly keyFile: string;
  /** PEM of the CA: the clients' only trust anchor. */
  readonly ca: Buffer;
  /** Remove the folder. */
  remove(): void;
}

const openssl = (cwd: string, args: readonly string[]): void => void execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });

/** Make a CA and a `localhost` server certificate it signs (leaf + CA in `certFile`, as a server sends its chain). */
export function makeTlsChain(): TlsChain {
  const dir = mkdtempSync(join(tmpdir(), 'gag-bench-tls-'));
  try {
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
    openssl(dir, ['req', '-x509', ...ec, '-days', '2', '-subj', '/CN=GAG bench CA', '-keyout', 'ca.key', '-out', 'ca.pem', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    openssl(dir, ['req', ...ec, '-subj', '/CN=localhost', '-keyout', 'server.key', '-out', 'server.csr']);
    writeFileSync(join(dir, 'server.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n');
    openssl(dir, ['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', 'server.ext', '-out', 'leaf.pem']);
    const ca = readFileSync(join(dir, 'ca.pem'));
    writeFileSync(join(dir, 'chain.pem'), Buffer.concat([readFileSync(join(dir, 'leaf.pem')), ca]));
    return { certFile: join(dir, 'chain.pem'), keyFile: join(dir, 'server.key'), ca, remove: () => rmSync(dir, { recursive: true, force: true }) };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`cannot make the bench's TLS chain with openssl (install Debian's openssl): ${(err as Error).message}`);
  }
}
