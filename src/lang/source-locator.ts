/**
 * Maps offsets inside parsed text back to file positions. A YAML scalar's `loc` is where its
 * value starts in the file (the opening quote of a quoted scalar); the text we parse is the
 * decoded value, so the mapping depends on how the scalar was written.
 */
import type { SourceLocation } from '../core/diagnostic.js';
import type { ScalarNode } from '../yaml/node.js';

/**
 * How a scalar was written. `raw`: the text is exactly the file's characters from `loc` on
 * (an expression text, a template file), so lines and columns can be counted exactly.
 */
export type ScalarStyle = 'plain' | 'single' | 'double' | 'block' | 'raw';

export interface TextSource {
  text: string;
  loc: SourceLocation;
  style: ScalarStyle;
}

export type Locator = (offset: number) => SourceLocation;

/** How the scalar was written (recorded by src/yaml/yaml-to-node.ts); built in code: plain. */
export function scalarStyle(node: ScalarNode): ScalarStyle {
  return node.style ?? 'plain';
}

export function scalarSource(node: ScalarNode & { value: string }): TextSource {
  return { text: node.value, loc: node.loc, style: scalarStyle(node) };
}

export function makeLocator(source: TextSource): Locator {
  const { text, loc, style } = source;
  if (style === 'raw') return (offset) => rawLocation(text, loc, offset);
  if (style === 'block' || text.includes('\n')) return () => loc;
  if (style === 'plain') return (offset) => at(loc, loc.col + offset);
  if (style === 'single') {
    return (offset) => {
      let col = loc.col + 1;
      for (let i = 0; i < offset && i < text.length; i++) col += text[i] === "'" ? 2 : 1;
      return at(loc, col);
    };
  }
  // Double-quoted: characters YAML needs escaped took two source characters (`\"`, `\\`, `\t`).
  return (offset) => {
    let col = loc.col + 1;
    for (let i = 0; i < offset && i < text.length; i++) {
      const c = text.charCodeAt(i);
      col += c === 34 || c === 92 || c < 32 ? 2 : 1;
    }
    return at(loc, col);
  };
}

function at(loc: SourceLocation, col: number): SourceLocation {
  return { file: loc.file, line: loc.line, col };
}

function rawLocation(text: string, loc: SourceLocation, offset: number): SourceLocation {
  let line = loc.line;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  const col = line === loc.line ? loc.col + offset : offset - lineStart + 1;
  return { file: loc.file, line, col };
}
