/**
 * Vite plugin: the line breaks and indentation inside our own lit `html` and `css` templates
 * become one space each. HTML and CSS read any run of whitespace between tags, attributes or
 * rules as one space, so the rendered page is the same; the bundle carries fewer bytes.
 * Only the files of web-components/src; never `<pre>` or `<textarea>` content (we have none).
 * @packageDocumentation
 */
import { fileURLToPath } from 'node:url';
import MagicString from 'magic-string';
import { Visitor, parseSync, type Plugin } from 'vite';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));
const TAGS = new Set(['html', 'css']);

/**
 * @example
 * // web-components/vite.config.ts
 * plugins: [tightTemplates()]
 */
export function tightTemplates(): Plugin {
  return {
    name: 'gag-tight-templates',
    enforce: 'pre',
    transform(code, id) {
      if (!id.startsWith(SRC) || !id.endsWith('.ts')) return null;
      const s = new MagicString(code);
      new Visitor({
        TaggedTemplateExpression(node) {
          if (node.tag.type !== 'Identifier' || !TAGS.has(node.tag.name)) return;
          for (const part of node.quasi.quasis) {
            const raw = code.slice(part.start, part.end);
            for (const m of raw.matchAll(/\s*\n\s*/g)) s.overwrite(part.start + m.index, part.start + m.index + m[0].length, ' ');
          }
        },
      }).visit(parseSync(id, code).program);
      return s.hasChanged() ? { code: s.toString(), map: s.generateMap({ hires: true, source: id }) } : null;
    },
  };
}
