/**
 * The dialplan cookbook (docs/asterisk.md) as config files: every fenced block whose info string
 * names a file (```` ```ini extensions.conf ````) is that file's text, blocks of one file joined
 * in order. The real-Asterisk tests load exactly these, so a documented dialplan cannot rot; the
 * deploy test reads docs/deploy.md's nginx site the same way.
 * @packageDocumentation
 */
import { readFileSync } from 'node:fs';

/**
 * The config files the named blocks of a doc make, by file name: every fenced block whose info
 * string is `lang` and a file name (```` ```ini extensions.conf ````, ```` ```nginx site.conf ````).
 * @example
 * const files = readCookbook('docs/asterisk.md'); // { 'websocket_client.conf': '…', 'extensions.conf': '…', … }
 */
export function readCookbook(path: string, lang = 'ini'): Record<string, string> {
  const namedFence = new RegExp(`^\`\`\`${lang}\\s+([\\w.-]+\\.conf)\\s*$`);
  const comment = lang === 'ini' ? ';' : '#';
  const files: Record<string, string> = {};
  let file: string | undefined;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (file === undefined) {
      file = namedFence.exec(line)?.[1];
      if (file !== undefined) files[file] = `${files[file] ?? ''}${comment} ---- from ${path}\n`;
    } else if (line.startsWith('```')) {
      file = undefined;
    } else {
      files[file] += `${line}\n`;
    }
  }
  return files;
}
