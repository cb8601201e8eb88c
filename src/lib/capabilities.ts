/**
 * What the server can do, as far as the client needs to know: FEAT after
 * login (with OPTS UTF8 and OPTS MLST), HELP for supported() unless
 * OverrideHELP answers, and the ENABLE/DISABLE switches for MLST, SIZE and
 * MDTM, which a refusal seen on the session turns off.
 */
import { FtpError, isFtpError } from './errors';
import { HelpOverride, parseFeat, parseHelp, parseHelpOverride } from './features';
import { FeatureSwitches, isUnknownCommand, mlstOptsFacts, Switchable } from './feature-switches';
import type { Reply } from './reply';
import type { Session } from './session';
import { assertSafeArgument } from './validate';

/** RFC 959 §5.1: every server implements these, whatever its HELP says. */
const RFC959_MINIMUM = ['USER', 'QUIT', 'PORT', 'TYPE', 'MODE', 'STRU', 'RETR', 'STOR', 'NOOP'];

export class Capabilities {
  private readonly helpOverride: HelpOverride;
  private readonly switches: FeatureSwitches;
  private feats: Map<string, string> | null = null;
  private help: Set<string> | null = null;
  private siteHelp: Set<string> | null = null;

  constructor(private readonly s: Session) {
    const o = s.options;
    this.helpOverride = parseHelpOverride(o.overrideHelp as string | string[] | undefined);
    try {
      this.switches = new FeatureSwitches(o.enable ?? [], o.disable ?? []);
    } catch (e) {
      throw new FtpError((e as Error).message, { kind: 'input' });
    }
  }

  /** The features from FEAT (upper-case names), or null before login / when FEAT was off or refused. */
  get features(): ReadonlyMap<string, string> | null {
    return this.feats;
  }

  /** A new session: nothing known about the server yet. */
  reset(): void {
    this.feats = null;
    this.help = null;
    this.siteHelp = null;
    this.switches.resetSession();
  }

  /** FEAT after login (unless turned off), then UTF-8 and the MLST facts the listings use. */
  async learn(): Promise<void> {
    if (this.s.options.feat === false) return;
    const c = this.s.requireControl();
    const f = await c.request('FEAT');
    this.feats = f.code === 211 ? parseFeat(f) : null;
    if (this.feats?.has('UTF8')) await c.request('OPTS UTF8 ON');
    // ask for the facts the listings use; servers not asked may send fewer
    const facts = mlstOptsFacts(this.feats?.get('MLST') ?? '');
    if (facts.length > 0) await c.request(`OPTS MLST ${facts.join(';')};`);
  }

  /**
   * Net::FTPSSL's supported(): is CMD (or SITE/FEAT sub-command SITE_OPT)
   * supported, judged from HELP plus FEAT, asked once and cached, unless
   * OverrideHELP answers instead.
   */
  async supported(cmd: string, siteOpt?: string): Promise<boolean> {
    assertSafeArgument(cmd, 'command');
    if (siteOpt !== undefined) assertSafeArgument(siteOpt, 'SITE option');
    const name = cmd.trim().toUpperCase();
    const opt = siteOpt?.trim().toUpperCase();
    const o = this.helpOverride;
    if (o === 'all') return true;
    if (o === 'none') return false;
    if (Array.isArray(o)) return o.includes(name) && (opt === undefined || name !== 'SITE' || o.includes(`SITE ${opt}`) || o.includes(opt));
    const c = this.s.requireControl();
    if (!this.help) {
      const r = await c.request('HELP');
      // Pure-FTPd's HELP lists only its SITE commands
      const siteOnly = /SITE commands/i.test(r.lines[0] ?? '');
      if (siteOnly) this.siteHelp = parseHelp(r);
      this.help = new Set([...RFC959_MINIMUM, ...(siteOnly ? ['SITE'] : parseHelp(r)), ...(this.feats?.keys() ?? [])]);
    }
    if (!this.help.has(name)) return false;
    if (opt === undefined) return true;
    if (name === 'FEAT') return this.feats?.has(opt) ?? false;
    if (name === 'SITE') {
      if (!this.siteHelp) {
        // ProFTPD and pyftpdlib list SITE commands under SITE HELP, others under HELP SITE
        this.siteHelp = parseHelp(await c.request('SITE HELP'));
        if (this.siteHelp.size <= 1) for (const x of parseHelp(await c.request('HELP SITE'))) this.siteHelp.add(x);
      }
      return this.siteHelp.has(opt);
    }
    return true;
  }

  isEnabled(name: Switchable | 'MLSD'): boolean {
    return this.switches.isEnabled(name, this.feats);
  }

  whyDisabled(name: Switchable | 'MLSD'): string | null {
    return this.isEnabled(name) ? null : this.switches.whyOff(name, this.feats);
  }

  enable(name: Switchable | 'MLSD'): void {
    this.switches.enable(name);
  }

  disable(name: Switchable | 'MLSD'): void {
    this.switches.disable(name);
  }

  markUnsupported(name: Switchable | 'MLSD'): void {
    this.switches.markRefused(name === 'MLSD' ? 'MLST' : name);
  }

  /** A switchable command's outcome: a success turns an automatic "off" back on, "unknown command" turns it off. */
  async watch(name: Switchable, p: Promise<Reply>): Promise<Reply> {
    try {
      const r = await p;
      this.switches.markWorking(name);
      return r;
    } catch (e) {
      if (isFtpError(e) && e.kind === 'reply' && isUnknownCommand(e.code)) {
        this.switches.markRefused(name);
        this.s.log.info(`${name} is unknown to the server: not used again on this session`);
      }
      throw e;
    }
  }
}
