/** Text made safe for GitHub-flavoured Markdown: inline code, table cells, plain text. */

/** Inline code, safe inside a table cell. */
export function code(text: string): string {
  const cell = text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
  return cell.includes('`') ? `\`\` ${cell} \`\`` : `\`${cell}\``;
}

/** Plain text with Markdown and HTML syntax escaped, on one line, safe in a table cell. */
export function plain(text: string): string {
  return text
    .replace(/\r?\n/g, ' ')
    .replace(/([\\`*_[\]|~])/g, '\\$1')
    .replace(/</g, '&lt;');
}

/** A table: a header row, then the rows (cells already escaped). */
export function table(header: string[], rows: string[][]): string {
  const lines = [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`];
  for (const r of rows) lines.push(`| ${r.join(' | ')} |`);
  return lines.join('\n');
}
