/**
 * A decimal byte count, or null. Counts past 2^53 cannot be held exactly in
 * a number; a wrong size would break resume and change detection silently,
 * so "unknown" is the honest answer (the raw line still has the digits).
 */
export function parseByteCount(text: string): number | null {
  if (!/^\d+$/.test(text)) return null;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : null;
}
