/**
 * The parsers promise never to throw, and JavaScript callers may hand in a
 * Buffer straight from the data connection, or nothing at all.
 */
export function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8');
  if (value === null || value === undefined) return '';
  try {
    return String(value);
  } catch {
    return '';
  }
}

/**
 * Splits listing text into lines. Only LF and CRLF end a line: a lone CR is
 * a legal character in Unix file names and must not cut one in two.
 */
export function splitLines(text: string): string[] {
  const whole = asText(text);
  const body = whole.charCodeAt(0) === 0xfeff ? whole.slice(1) : whole;
  const lines = body.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.endsWith('\r')) lines[i] = line.slice(0, -1);
  }
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Drops a trailing line terminator from a single line handed in by a caller. */
export function stripTerminator(value: string): string {
  const line = asText(value);
  if (line.endsWith('\r\n')) return line.slice(0, -2);
  if (line.endsWith('\n') || line.endsWith('\r')) return line.slice(0, -1);
  return line;
}

export function isBlank(line: string): boolean {
  return line.trim() === '';
}

/** The 'total N' summary that ls prints before the entries. */
export function isTotalLine(line: string): boolean {
  return /^\s*total\s+\d+\s*$/i.test(line);
}
