/**
 * Readers of server reply texts that used regular expressions with
 * backtracking ("FILE:\s*(.+?)\s*$" is quadratic on a long run of
 * whitespace: seconds of CPU for one crafted 64 KiB line). These scan
 * once, left to right; the regular expressions left match fixed literals only.
 */
import type { Reply } from './reply';

/** "257 "/a ""quoted"" dir" created" → /a "quoted" dir */
export function parseQuotedPath(message: string): string | null {
  const open = message.indexOf('"');
  if (open < 0) return null;
  let out = '';
  let i = open + 1;
  for (;;) {
    const q = message.indexOf('"', i);
    if (q < 0) return null;
    out += message.slice(i, q);
    if (message[q + 1] !== '"') return out;
    out += '"';
    i = q + 2;
  }
}

/** "150 Opening BINARY mode data connection for x (1234 bytes)." → 1234 */
export function parseSizeHint(message: string): number | null {
  const re = /\(/g;
  for (let m = re.exec(message); m; m = re.exec(message)) {
    let j = m.index + 1;
    while (j < message.length && isDigit(message.charCodeAt(j))) j += 1;
    if (j === m.index + 1) continue;
    if (message.slice(j, j + 7).toLowerCase() === ' bytes)') return Number(message.slice(m.index + 1, j));
  }
  return null;
}

/** STOU's chosen name: "150 FILE: name" (RFC 1123) or "... unique file name: name" / "... unique name name". */
export function parseUniqueName(reply: Reply): string | null {
  for (const line of reply.message.split('\n')) {
    const m = /FILE:/i.exec(line);
    if (m) {
      const name = line.slice(m.index + 5).trim();
      if (name !== '') return name;
    }
  }
  const text = reply.message;
  const re = /unique /gi;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    let j = m.index + 7;
    if (text.slice(j, j + 5).toLowerCase() === 'file ') j += 5;
    if (text.slice(j, j + 4).toLowerCase() !== 'name') continue;
    j += 4;
    if (text[j] === ':') j += 1;
    while (j < text.length && isSpace(text.charCodeAt(j))) j += 1;
    if (text[j] === '"') j += 1;
    const start = j;
    while (j < text.length && text[j] !== '"' && text[j] !== ')' && !isSpace(text.charCodeAt(j))) j += 1;
    if (j > start) return text.slice(start, j);
  }
  return null;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0b || c === 0x0c;
}
