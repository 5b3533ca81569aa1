#!/usr/bin/env node
// Finds the redis-server the cluster tests start (issue 17): $GAG_REDIS_SERVER, else
// `redis-server` on PATH or in /usr/bin. Run directly, it installs Debian's `redis-server` when
// missing and allowed (root + apt-get), or stops with a message saying how to provide one. The
// tests run it in the foreground on loopback with their own settings; the system's Redis service
// (which the Debian package starts) is never used by them.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { aptInstall, findProgram } from './system-package.mjs';

/** The redis-server executable, or undefined. */
export function findRedisServer() {
  return findProgram('GAG_REDIS_SERVER', ['redis-server']) ?? (existsSync('/usr/bin/redis-server') ? '/usr/bin/redis-server' : undefined);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (findRedisServer() === undefined) {
    const help = 'No redis-server for the cluster tests.\n  Debian/Ubuntu: sudo apt-get install -y redis-server\n  or point GAG_REDIS_SERVER at a redis-server executable';
    if (!aptInstall(['redis-server'], { what: 'the cluster tests', help })) process.exit(1);
  }
  console.log(`redis-server: ${findRedisServer()}`);
}
