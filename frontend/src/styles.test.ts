// The stylesheet is plain CSS edited by several hands and merged: a brace lost in a merge nests every
// rule after it inside another rule (CSS nesting), and whole screens silently lose their styles.
import { describe, expect, it } from 'vitest';
import css from './styles.css?raw';

/** blocks lists, for each `{`, its prelude and the prelude of the block it sits in. */
function blocks(source: string): { prelude: string; parent: string | null; line: number }[] {
  const text = source.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '));
  const out: { prelude: string; parent: string | null; line: number }[] = [];
  const stack: string[] = [];
  let start = 0;
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\n') line++;
    if (ch === '{') {
      const prelude = text.slice(start, i).trim();
      out.push({ prelude, parent: stack[stack.length - 1] ?? null, line });
      stack.push(prelude);
      start = i + 1;
    } else if (ch === '}') {
      if (stack.pop() === undefined) throw new Error(`styles.css: an extra "}" on line ${line}`);
      start = i + 1;
    } else if (ch === ';') {
      start = i + 1;
    }
  }
  if (stack.length > 0) throw new Error(`styles.css: ${stack.length} block(s) never closed, the first "${stack[0]}"`);
  return out;
}

describe('styles.css', () => {
  it('closes every block, and nests rules only inside at-rules', () => {
    const nested = blocks(css).filter((b) => b.parent !== null && !b.parent.startsWith('@') && !b.prelude.startsWith('@'));
    expect(nested.map((b) => `line ${b.line}: "${b.prelude}" inside "${b.parent}"`)).toEqual([]);
  });
});
