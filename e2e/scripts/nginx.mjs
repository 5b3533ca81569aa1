#!/usr/bin/env node
// Finds the nginx that tests docs/deploy.md's TLS proxy: $GAG_NGINX, else `nginx` on PATH or in
// /usr/sbin. Run directly, it installs Debian's `nginx-light` when missing and allowed (root +
// apt-get), or stops with a message saying how to provide one. The tests run it in the
// foreground on loopback with their own config; the system's nginx service is never touched.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { aptInstall, findProgram } from './system-package.mjs';

/** The nginx executable, or undefined. */
export function findNginx() {
  return findProgram('GAG_NGINX', ['nginx']) ?? (existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : undefined);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (findNginx() === undefined) {
    const help = 'No nginx for the deploy test.\n  Debian/Ubuntu: sudo apt-get install -y nginx-light\n  or point GAG_NGINX at an nginx executable';
    if (!aptInstall(['nginx-light'], { what: "the deploy guide's TLS proxy test", help })) process.exit(1);
  }
  console.log(`nginx: ${findNginx()}`);
}
