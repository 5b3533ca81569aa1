/**
 * The dialplan cookbook (docs/asterisk.md) as config files: every fenced block whose info string
 * names a file (```` ```ini extensions.conf ````) is that file's text, blocks of one file joined
 * in order. The real-Asterisk tests load exactly these, so a documented dialplan cannot rot.
 * @packageDocumentation
 */
import { readFileSync } from 'node:fs';

/** A fence line that names a config file: ```` ```ini extensions.conf ````. */
const NAMED_FENCE = /^```ini\s+([\w.-]+\.conf)\s*$/;

/**
 * The config files the cookbook's named blocks make, by file name.
 * @example
 * const files = readCookbook('docs/asterisk.md'); // { 'websocket_client.conf': '…', 'extensions.conf': '…', … }
 */
export function readCookbook(path: string): Record<string, string> {
  const files: Record<string, string> = {};
  let file: string | undefined;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (file === undefined) {
      file = NAMED_FENCE.exec(line)?.[1];
      if (file !== undefined) files[file] = `${files[file] ?? ''}; ---- from ${path}\n`;
    } else if (line.startsWith('```')) {
      file = undefined;
    } else {
      files[file] += `${line}\n`;
    }
  }
  return files;
}
