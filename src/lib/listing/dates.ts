/**
 * Calendar helpers shared by the listing parsers. Every result is a UTC
 * instant; wall-clock times without a zone are read as UTC (see types.ts).
 */

const MONTHS: ReadonlyMap<string, number> = new Map<string, number>([
  ['jan', 0], ['feb', 1], ['mar', 2], ['apr', 3], ['may', 4], ['jun', 5],
  ['jul', 6], ['aug', 7], ['sep', 8], ['oct', 9], ['nov', 10], ['dec', 11],
  // Servers started under a German locale print these from `ls`.
  ['mär', 2], ['märz', 2], ['mrz', 2], ['mai', 4], ['okt', 9], ['dez', 11],
]);

const FULL_NAMES = [
  'january', 'february', 'march', 'april', 'may', 'june',
  'july', 'august', 'september', 'october', 'november', 'december',
];

/** 0-11 for a month name as ls prints it ('Jan', 'Sept', 'June'), else -1. */
export function monthIndex(token: string): number {
  if (token.length < 3 || token.length > 9) return -1;
  const lower = token.toLowerCase();
  const short = MONTHS.get(lower);
  if (short !== undefined) return short;
  const i = MONTHS.get(lower.slice(0, 3));
  if (i !== undefined && FULL_NAMES[i].startsWith(lower)) return i;
  return -1;
}

/**
 * A UTC date from calendar fields, or null when any field is out of range
 * (Date.UTC would silently roll Feb 30 over into March).
 */
export function utcDate(
  year: number, month0: number, day: number,
  hour = 0, minute = 0, second = 0, ms = 0,
): Date | null {
  if (![year, month0, day, hour, minute, second, ms].every(Number.isInteger)) return null;
  if (year < 0 || year > 9999 || month0 < 0 || month0 > 11 || day < 1 || day > 31) return null;
  if (hour > 23 || minute > 59 || second > 60 || ms < 0 || ms > 999) return null;
  const d = new Date(0);
  // setUTCFullYear keeps years below 100 literal, unlike Date.UTC.
  d.setUTCFullYear(year, month0, day);
  if (d.getUTCMonth() !== month0) return null;
  // A leap second (:60) is taken as the first instant of the next minute.
  const leap = second === 60;
  d.setUTCHours(hour, minute, leap ? 59 : second, ms);
  return leap ? new Date(d.getTime() + 1000) : d;
}

/** Milliseconds from a fraction-of-a-second digit string ('123456' -> 123). */
export function fractionToMs(digits: string): number {
  return Math.min(999, Math.floor(Number(`0.${digits}`) * 1000));
}

/** RFC 3659 time-val, YYYYMMDDHHMMSS[.sss], always UTC. */
export function parseTimeVal(text: string): Date | null {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.(\d{1,9}))?Z?$/.exec(text);
  if (!m) return null;
  return utcDate(
    Number(m[1]), Number(m[2]) - 1, Number(m[3]),
    Number(m[4]), Number(m[5]), Number(m[6]),
    m[7] === undefined ? 0 : fractionToMs(m[7]),
  );
}

/** DOS listings print two-digit years; 70-99 are the 1900s (the epoch starts in 1970). */
export function expandYear(year: number, digits: number): number {
  if (digits !== 2) return year;
  return year >= 70 ? 1900 + year : 2000 + year;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/**
 * How far ahead of `now` a yearless date may lie and still be this year's.
 * 182 days: BSD ls shows times (no year) for files up to 182 days in the
 * future; GNU ls shows the year once a file is 182.6 days old, so last
 * year's dates read as this year's land more than 182 days ahead.
 */
export const YEARLESS_FUTURE_LIMIT_MS = 182 * DAY_MS;
/**
 * Server clocks run ahead of ours by up to a day across time zones (UTC+14)
 * plus drift, so on New Year's Eve a fresh file may already show January.
 */
export const YEARLESS_NEXT_YEAR_SLACK_MS = 2 * DAY_MS;

/**
 * Resolves `ls`'s "Mon DD HH:MM" (no year) against `now` (the six-month
 * rule). ls shows a time instead of a year only for recent files, so:
 * - next year's date if that is at most two days ahead (the server's clock
 *   already passed New Year);
 * - else this year's date, unless that lies more than ~6 months (182 days)
 *   ahead, in which case it is last year's.
 * Servers that show a time for every date of the current calendar year
 * (some Windows servers do) come out right as well.
 */
export function resolveYearless(month0: number, day: number, hour: number, minute: number, now: Date): Date | null {
  const nowMs = now.getTime();
  if (Number.isNaN(nowMs)) return null;
  const year = now.getUTCFullYear();
  const next = utcDate(year + 1, month0, day, hour, minute);
  if (next && next.getTime() - nowMs <= YEARLESS_NEXT_YEAR_SLACK_MS) return next;
  const current = utcDate(year, month0, day, hour, minute);
  if (current && current.getTime() - nowMs <= YEARLESS_FUTURE_LIMIT_MS) return current;
  // Feb 29 in a non-leap current year ends up here too.
  return utcDate(year - 1, month0, day, hour, minute);
}

/** `opts.now` as a Date; JavaScript callers may pass an ISO string or ms. */
export function referenceTime(now: unknown): Date {
  if (now instanceof Date) return now;
  if (typeof now === 'string' || typeof now === 'number') {
    const d = new Date(now);
    if (!Number.isNaN(d.getTime())) return d;
  }
  return new Date();
}
