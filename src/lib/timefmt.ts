import { FtpError } from './errors';

/** "YYYYMMDDHHMMSS[.sss]" in UTC (MDTM, MFMT, MLSD modify) to a Date; null when it is not one. */
export function parseFtpTime(text: string): Date | null {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.(\d{1,9}))?$/.exec(text.trim());
  if (!m) return null;
  const ms = m[7] ? Math.round(Number('0.' + m[7]) * 1000) : 0;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  // Date.UTC rolls month 13 or Feb 30 over; a server sending those sent no time
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || date.getUTCHours() !== h || date.getUTCMinutes() !== mi || date.getUTCSeconds() !== s) {
    return null;
  }
  return new Date(date.getTime() + ms);
}

export function formatFtpTime(d: Date): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

/** A time given as Date, ms since the epoch, or an ISO string. */
export function toDate(value: Date | number | string, what = 'time'): Date {
  const d = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(d.getTime())) throw new FtpError(`${what} is not a valid time: ${String(value)}`, { kind: 'input' });
  return d;
}
