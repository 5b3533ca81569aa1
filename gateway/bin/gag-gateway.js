#!/usr/bin/env node
// The `gag-gateway` command. npm links a package's bins when it installs it, and skips a bin
// whose file does not exist yet, so the link points here (committed) rather than into dist/
// (built later). It runs the built CLI, or says how to build it.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('gag-gateway: not built yet — run `npm run build` in the repository first (an installed package ships dist/)\n');
  process.exit(1);
}
const { runFromProcess } = await import(cli.href);
await runFromProcess();
