/** A whitespace-separated word of a line, with where it sits in the line. */
export interface Token {
  text: string;
  start: number;
  end: number;
}

function isSeparator(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/**
 * Splits at runs of spaces and tabs, in one pass with no regular
 * expression, so a hostile line costs time linear in its length. Positions
 * let a parser take the name as the rest of the line verbatim, keeping the
 * spaces that a plain split would eat.
 */
export function tokenize(line: string, limit = Number.POSITIVE_INFINITY): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < line.length && tokens.length < limit) {
    while (i < line.length && isSeparator(line.charCodeAt(i))) i++;
    if (i >= line.length) break;
    const start = i;
    while (i < line.length && !isSeparator(line.charCodeAt(i))) i++;
    tokens.push({ text: line.slice(start, i), start, end: i });
  }
  return tokens;
}
