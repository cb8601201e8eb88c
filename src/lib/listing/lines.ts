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

/**
 * A single line handed in by a caller, without its line terminator; null
 * when it still holds a line feed, since text of several lines is no one
 * entry (the whole-listing parsers split it first).
 */
export function singleLine(value: string): string | null {
  let line = asText(value);
  if (line.endsWith('\n')) line = line.slice(0, -1);
  if (line.endsWith('\r')) line = line.slice(0, -1);
  return line.includes('\n') ? null : line;
}

export function isBlank(line: string): boolean {
  return line.trim() === '';
}

/** The 'total N' summary that ls prints before the entries. */
export function isTotalLine(line: string): boolean {
  return /^\s*total\s+\d+\s*$/i.test(line);
}
