import { maskCommand, maskSecrets } from './errors';

/** Where debug lines go; the caller supplies it (the Node-RED log, a file, a test array). */
export type LogSink = (line: string) => void;

export type DebugLevel = 0 | 1 | 2;

/**
 * Debug levels as Net::FTPSSL: 1 shows commands and replies, 2 adds data
 * connection and TLS details. A password is masked before a line is built,
 * so no level and no sink ever sees it.
 */
export class DebugLog {
  /** Credentials of the session: masked in every line, as a server may echo them. */
  readonly secrets: string[] = [];
  private readonly sink: LogSink | undefined;

  constructor(
    readonly level: DebugLevel,
    sink: LogSink | undefined,
  ) {
    this.sink = sink && ((line: string) => sink(maskSecrets(line, this.secrets)));
  }

  get enabled(): boolean {
    return this.level > 0 && this.sink !== undefined;
  }

  command(line: string): void {
    if (this.level >= 1 && this.sink) this.sink(`>>> ${maskCommand(line)}`);
  }

  reply(lines: string[]): void {
    if (this.level < 1 || !this.sink) return;
    const shown = this.level >= 2 || lines.length <= 3 ? lines : [lines[0], `... (${lines.length - 2} lines)`, lines[lines.length - 1]];
    for (const l of shown) this.sink(`<<< ${l}`);
  }

  info(line: string): void {
    if (this.level >= 1 && this.sink) this.sink(line);
  }

  detail(line: string): void {
    if (this.level >= 2 && this.sink) this.sink(line);
  }
}
