// Every code snippet in the READMEs is a region of an example that the e2e tests build and run, so the docs
// cannot drift from working code. A README marks a snippet with `<!-- snippet: path#region -->` right before the
// fenced block; the source marks the region with `docs:region` ... `docs:end` comments.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const READMES = ['README.md', 'packages/bff/README.md', 'packages/react/README.md'];
const SNIPPET = /<!-- snippet: ((?:\S+#\S+ ?)+) -->\s*\n```\w*\n([\s\S]*?)\n```/g;

/** The lines between the `docs:<name>` and the next `docs:end` marker, with their common indentation removed. */
function region(file: string, name: string): string {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  const start = lines.findIndex((line) => new RegExp(`docs:${name}(\\s|\\*|$)`).test(line));
  if (start < 0) throw new Error(`${file} has no docs:${name} region`);
  const length = lines.slice(start + 1).findIndex((line) => /docs:end/.test(line));
  if (length < 0) throw new Error(`${file}: docs:${name} has no docs:end`);
  const body = lines.slice(start + 1, start + 1 + length);
  const indent = Math.min(...body.filter((l) => l.trim()).map((l) => l.match(/^ */)![0].length));
  return body.map((line) => line.slice(indent)).join('\n');
}

describe.each(READMES)('%s', (readme) => {
  const text = readFileSync(join(root, readme), 'utf8');
  const snippets = [...text.matchAll(SNIPPET)];

  it('has snippets, and each is its example region verbatim', () => {
    expect(snippets.length).toBeGreaterThanOrEqual(3);
    for (const [, refs, code] of snippets) {
      // Several regions (e.g. the imports at the top of a file and the code further down) are joined by a blank line.
      const expected = refs!
        .trim()
        .split(' ')
        .map((ref) => region(ref.slice(0, ref.lastIndexOf('#')), ref.slice(ref.lastIndexOf('#') + 1)))
        .join('\n\n');
      expect(code, `${readme}: snippet ${refs}`).toBe(expected);
    }
  });

  it('has no unchecked TypeScript/TSX code block', () => {
    // A fenced ts/tsx block without a snippet marker would be free to rot.
    const blocks = [...text.matchAll(/(<!-- snippet: [^>]+ -->\s*\n)?```(ts|tsx)\n/g)];
    expect(blocks.filter((block) => block[1] === undefined).map((block) => block.index)).toEqual([]);
  });
});
