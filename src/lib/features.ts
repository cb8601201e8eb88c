import type { Reply } from './reply';

/**
 * FEAT (RFC 2389): a 211 multi-line reply whose inner lines each start with
 * a space and name one feature, maybe with parameters ("MLST size*;modify*;").
 * Returns upper-cased feature names mapped to their parameter text.
 */
export function parseFeat(reply: Reply): Map<string, string> {
  const feats = new Map<string, string>();
  if (reply.code !== 211) return feats;
  const inner = reply.lines.slice(1, -1);
  for (const line of inner) {
    const t = line.replace(/^211-/, '').trim();
    if (!t) continue;
    const sp = t.indexOf(' ');
    const name = (sp < 0 ? t : t.slice(0, sp)).toUpperCase();
    const params = sp < 0 ? '' : t.slice(sp + 1).trim();
    // ProFTPD lists "SITE COPY", "SITE UTIME", ... as separate lines
    const before = feats.get(name);
    feats.set(name, before ? `${before}\n${params}` : params);
  }
  return feats;
}

/**
 * HELP (and HELP SITE) lists commands as words in the reply text. Servers
 * mark unimplemented commands with a trailing '*' (ProFTPD, wu-ftpd); those
 * are left out. Prose around the list ("The following commands are
 * recognized") is ignored because only upper-case words count.
 */
export function parseHelp(reply: Reply): Set<string> {
  const cmds = new Set<string>();
  if (reply.code < 200 || reply.code >= 300) return cmds;
  const body = reply.lines.length > 1 ? reply.lines.slice(1, -1) : reply.lines;
  for (const line of body) {
    const text = line.replace(/^\d{3}[ -]/, '');
    for (const word of text.split(/[\s,]+/)) {
      if (/^[A-Z][A-Z0-9]{1,14}$/.test(word)) cmds.add(word);
    }
  }
  return cmds;
}

/** A user's OverrideHELP setting: 'auto' asks the server; the others answer without asking. */
export type HelpOverride = 'auto' | 'all' | 'none' | string[];

export function parseHelpOverride(value: string | string[] | undefined): HelpOverride {
  if (Array.isArray(value)) return value.map((s) => s.trim().toUpperCase()).filter(Boolean);
  const v = (value ?? 'auto').trim();
  if (v === '' || v.toLowerCase() === 'auto') return 'auto';
  if (v.toLowerCase() === 'all') return 'all';
  if (v.toLowerCase() === 'none') return 'none';
  return v.split(/[\s,]+/).map((s) => s.toUpperCase()).filter(Boolean);
}
