/**
 * The commands that need no data connection but more than one line of
 * code: reading SIZE and MDTM answers, setting a modification time by
 * whichever way the server offers, rename (and rename over an existing
 * file), and quot's guard against commands that would leave the session
 * out of step.
 */
import type { Capabilities } from './capabilities';
import { FtpError, isFtpError } from './errors';
import type { Reply } from './reply';
import { replyError, Session } from './session';
import { formatFtpTime, parseFtpTime } from './timefmt';
import { assertPath } from './validate';

const DATA_COMMANDS = new Set(['LIST', 'NLST', 'MLSD', 'RETR', 'STOR', 'STOU', 'APPE', 'PASV', 'EPSV', 'PORT', 'EPRT', 'LPSV', 'LPRT', 'REST', 'PRET']);
const SESSION_COMMANDS = new Set(['AUTH', 'PBSZ', 'PROT', 'CCC', 'REIN', 'USER', 'PASS', 'QUIT']);

/** SIZE in bytes (asked in binary type, where the answer is the stored size). */
export async function size(s: Session, caps: Capabilities, remote: string): Promise<number> {
  assertPath(remote, 'remote path');
  await s.ensureType('binary');
  const r = await caps.watch('SIZE', s.expect(`SIZE ${remote}`, [213]));
  const n = Number(r.message.trim());
  if (!Number.isSafeInteger(n) || n < 0) throw new FtpError(`cannot read the size in "${r.message}"`, { kind: 'protocol', code: r.code, serverMessage: r.message, command: `SIZE ${remote}` });
  return n;
}

/** MDTM: the remote modification time (UTC). */
export async function mdtm(s: Session, caps: Capabilities, remote: string): Promise<Date> {
  assertPath(remote, 'remote path');
  const r = await caps.watch('MDTM', s.expect(`MDTM ${remote}`, [213]));
  const d = parseFtpTime(r.message);
  if (!d) throw new FtpError(`cannot read the time in "${r.message}"`, { kind: 'protocol', code: r.code, serverMessage: r.message, command: `MDTM ${remote}` });
  return d;
}

/**
 * Set the remote modification time by whichever way the server offers:
 * MFMT (ProFTPD, Pure-FTPd, pyftpdlib), the MDTM-with-time form (vsftpd
 * with mdtm_write), then SITE UTIME (ProFTPD's mod_site_misc).
 */
export async function setModified(s: Session, caps: Capabilities, remote: string, time: Date): Promise<void> {
  assertPath(remote, 'remote path');
  const c = s.requireControl();
  const t = formatFtpTime(time);
  const attempts = [`MFMT ${t} ${remote}`, `MDTM ${t} ${remote}`, `SITE UTIME ${t} ${remote}`];
  if (caps.features && !caps.features.has('MFMT')) attempts.shift();
  let last: Reply | null = null;
  let lastCmd = '';
  for (const line of attempts) {
    const r = await c.request(line);
    if (r.code >= 200 && r.code < 300) return;
    last = r;
    lastCmd = line;
  }
  throw last ? replyError(last, lastCmd) : new FtpError('cannot set the modification time', { kind: 'reply' });
}

export async function rename(s: Session, from: string, to: string): Promise<Reply> {
  assertPath(from, 'rename source');
  assertPath(to, 'rename target');
  await s.expect(`RNFR ${from}`, [350]);
  return s.expect(`RNTO ${to}`, 2);
}

/** RNFR/RNTO; when the target exists and the server refuses to replace it, delete it and try once more. */
export async function renameOver(s: Session, from: string, to: string): Promise<void> {
  try {
    await rename(s, from, to);
  } catch (e) {
    if (!(isFtpError(e) && e.kind === 'reply' && e.code >= 550 && e.code < 560)) throw e;
    await s.expect(`DELE ${to}`, 2);
    await rename(s, from, to);
  }
}

/** DELE that never throws; false when the session was lost before the server could answer. */
export async function tryDelete(s: Session, remote: string): Promise<boolean> {
  if (!s.connected) return false;
  try {
    const r = await s.requireControl().request(`DELE ${remote}`);
    if (r.code >= 400) s.log.detail(`scratch file ${remote} not removed: ${r.code} ${r.message}`);
    return true;
  } catch {
    /* the session is gone; nothing more can be done from here */
    return false;
  }
}

/**
 * A raw command and the server's reply, whatever its code. Commands that
 * need a data connection or change the session's security are refused:
 * they would leave the session out of step with the client.
 */
export async function quot(s: Session, line: string): Promise<Reply> {
  assertPath(line.trim(), 'command');
  const verb = line.trim().split(/\s+/)[0].toUpperCase();
  if (DATA_COMMANDS.has(verb)) throw new FtpError(`${verb} opens or prepares a data connection; use the list/get/put operations instead of quot`, { kind: 'input', command: verb });
  if (SESSION_COMMANDS.has(verb)) throw new FtpError(`${verb} changes the session's login or security; quot refuses it`, { kind: 'input', command: verb });
  const c = s.requireControl();
  let r = await c.request(line.trim());
  while (r.code < 200) r = await c.read();
  if (verb === 'TYPE') s.currentType = null;
  return r;
}
