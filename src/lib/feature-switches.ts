/**
 * Which optional directives the client may use on its own (Kermit's FTP
 * ENABLE / DISABLE): MLST (and with it MLSD), SIZE and MDTM.
 *
 * The answer comes, in order, from the user's override, from a refusal seen
 * on this session (a SIZE or MDTM answered 500/502 is not tried again), from
 * FEAT, and when FEAT was refused or turned off from Kermit's guess: SIZE and
 * MDTM yes, MLST no. Explicit calls (client.size(), client.mdtm()) are sent
 * whatever the switch says; a success turns an automatic "off" back on.
 */
export type Switchable = 'MLST' | 'SIZE' | 'MDTM';
export const SWITCHABLE: readonly Switchable[] = ['MLST', 'SIZE', 'MDTM'];

const GUESS: Record<Switchable, boolean> = { MLST: false, SIZE: true, MDTM: true };

/** 'mlsd' and 'mlst' name the same switch, as in Kermit. */
export function switchName(name: string): Switchable {
  const n = String(name).trim().toUpperCase();
  const s = n === 'MLSD' ? 'MLST' : n;
  if (!(SWITCHABLE as readonly string[]).includes(s)) throw new Error(`unknown feature "${name}" (one of MLST, SIZE, MDTM)`);
  return s as Switchable;
}

/** The error text for a resumed upload (offset -1) while SIZE is off; `why` from whyOff(). */
export function resumeNeedsSize(remote: string, why: string): string {
  return `cannot resume ${remote} (offset -1): the remote size comes from SIZE, and ${why}; enable SIZE or give the offset`;
}

/** Reply codes that mean "this server does not know the command". */
export function isUnknownCommand(code: number): boolean {
  return code === 500 || code === 502;
}

export class FeatureSwitches {
  private readonly user = new Map<Switchable, boolean>();
  private readonly refused = new Set<Switchable>();

  constructor(enable: readonly string[] = [], disable: readonly string[] = []) {
    for (const n of enable) this.user.set(switchName(n), true);
    for (const n of disable) this.user.set(switchName(n), false);
  }

  /** A new session forgets what the last one refused; the user's overrides stay. */
  resetSession(): void {
    this.refused.clear();
  }

  enable(name: string): void {
    const s = switchName(name);
    this.user.set(s, true);
    this.refused.delete(s);
  }

  disable(name: string): void {
    this.user.set(switchName(name), false);
  }

  /** The server answered "unknown command". */
  markRefused(name: Switchable): void {
    this.refused.add(name);
  }

  /** The server answered the command: it knows it after all. */
  markWorking(name: Switchable): void {
    this.refused.delete(name);
  }

  /** Why `name` is off, in words for an error message (call it when isEnabled said false). */
  whyOff(name: string, feats: ReadonlyMap<string, string> | null): string {
    const s = switchName(name);
    if (this.user.get(s) === false) return `${s} is disabled for this session`;
    if (this.refused.has(s)) return `the server refused ${s} on this session (unknown command)`;
    if (feats) return `the server does not announce ${s} in FEAT`;
    return `${s} is not used without FEAT`;
  }

  /** `feats`: FEAT's features, or null when FEAT was refused or off. */
  isEnabled(name: string, feats: ReadonlyMap<string, string> | null): boolean {
    const s = switchName(name);
    const forced = this.user.get(s);
    if (forced !== undefined) return forced;
    if (this.refused.has(s)) return false;
    if (feats) return feats.has(s);
    return GUESS[s];
  }
}

/** The MLST facts the listings use, as the server spells them in FEAT (for OPTS MLST). */
const WANTED_FACTS = ['type', 'size', 'modify', 'perm', 'unix.mode', 'unique', 'unix.owner', 'unix.ownername', 'unix.group', 'unix.groupname'];

export function mlstOptsFacts(mlstParams: string): string[] {
  const offered = mlstParams
    .split(';')
    .map((f) => f.trim().replace(/\*$/, ''))
    .filter(Boolean);
  return offered.filter((f) => WANTED_FACTS.includes(f.toLowerCase()));
}
