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

/**
 * `text` (a doc's snippet) with `from` replaced by `to` once: how a test adapts a printed snippet
 * (ports, names, paths). When the doc no longer has `from`, the test stops and says so, naming
 * `where` (the doc and its snippet) and `update` (the test to change), instead of running
 * something else than the doc prints.
 * @example const site = substituteOnce(text, 'listen 443 ssl;', `listen 127.0.0.1:${port} ssl;`, "docs/deploy.md's nginx site", 'e2e/test/deploy-nginx.test.ts');
 */
export function substituteOnce(text: string, from: string, to: string, where: string, update: string): string {
  if (!text.includes(from)) throw new Error(`${where} no longer has "${from}": update ${update}`);
  return text.replace(from, to);
}
