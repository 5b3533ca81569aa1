// What chromium.mjs and firefox.mjs share: finding a program on PATH, and installing Debian's
// packages for the browser tests when that is allowed (root + apt-get).
import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The executable `name` on PATH, or undefined. */
export function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The program named by environment variable `envVar` if set, else the first of `names` on PATH, or undefined. */
export function findProgram(envVar, names) {
  const fromEnv = process.env[envVar];
  if (fromEnv) return fromEnv;
  for (const name of names) {
    const found = onPath(name);
    if (found) return found;
  }
  return undefined;
}

/**
 * Install Debian `packages` with apt-get, for `what`, when running as root with apt-get;
 * otherwise print `help` (how to provide them) and return false.
 */
export function aptInstall(packages, { what, help }) {
  if (!(process.getuid?.() === 0 && onPath('apt-get'))) {
    console.error(help);
    return false;
  }
  console.log(`Installing Debian ${packages.join(' and ')} for ${what} (apt-get)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', ...packages], { stdio: 'inherit', env });
  return true;
}
