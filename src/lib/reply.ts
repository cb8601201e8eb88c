import { MAX_REPLY_BYTES, MAX_REPLY_LINE_BYTES } from './limits';

/**
 * Net::Cmd reply handling: a reply is one line "123 text", or several lines
 * from "123-text" up to the first line that starts with the same code and a
 * space. Lines in between may start with anything, digits included.
 */
export interface Reply {
  /** 3-digit reply code. */
  code: number;
  /** The text with the code prefixes removed, lines joined with \n. */
  message: string;
  /** The reply's lines as received (without CRLF). */
  lines: string[];
}

/** The most significant digit (1 preliminary, 2 ok, 3 more, 4 transient, 5 permanent). */
export function replyStatus(reply: Reply): number {
  return Math.floor(reply.code / 100);
}

export function isPositive(reply: Reply): boolean {
  return reply.code >= 100 && reply.code < 400;
}

/** Bounds that keep a hostile or broken server from growing memory without limit (see limits.ts). */
const MAX_LINE_BYTES = MAX_REPLY_LINE_BYTES;

const CODE_LINE = /^(\d{3})([ -]?)(.*)$/s;

export class ReplyParserError extends Error {}

/**
 * Incremental parser: feed it bytes as they arrive, it calls onReply for
 * every complete reply. Lines are decoded as UTF-8 (RFC 2640), which is also
 * right for plain ASCII servers.
 */
export class ReplyParser {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private current: { code: number; lines: string[]; texts: string[]; bytes: number } | null = null;
  /** Lines that arrived outside any reply; kept and attached to the next one. */
  private stray: string[] = [];
  private strayBytes = 0;

  constructor(private readonly onReply: (reply: Reply) => void) {}

  feed(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl < 0) break;
      let line: Buffer = chunk.subarray(start, nl);
      if (this.pendingBytes > 0) {
        this.pending.push(line);
        line = Buffer.concat(this.pending);
        this.pending = [];
        this.pendingBytes = 0;
      }
      start = nl + 1;
      this.line(line);
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      this.pendingBytes += rest.length;
      if (this.pendingBytes > MAX_LINE_BYTES) {
        throw new ReplyParserError(`reply line longer than ${MAX_LINE_BYTES} bytes`);
      }
      // copy: the caller may reuse its buffer
      this.pending.push(Buffer.from(rest));
    }
  }

  /** True while part of a reply has been received but not its end. */
  get midReply(): boolean {
    return this.current !== null || this.pendingBytes > 0;
  }

  /** True when lines that are no reply are held for the next one. */
  get holdsStrayLines(): boolean {
    return this.stray.length > 0;
  }

  private line(raw: Buffer): void {
    const end = raw.length > 0 && raw[raw.length - 1] === 0x0d ? raw.length - 1 : raw.length;
    if (end > MAX_LINE_BYTES) throw new ReplyParserError(`reply line longer than ${MAX_LINE_BYTES} bytes`);
    const text = raw.toString('utf8', 0, end);
    if (this.current) {
      const cur = this.current;
      const m = CODE_LINE.exec(text);
      if (m && Number(m[1]) === cur.code && (m[2] === ' ' || text.length === 3)) {
        cur.lines.push(text);
        cur.texts.push(m[3]);
        this.current = null;
        this.emit(cur.code, cur.lines, cur.texts);
        return;
      }
      cur.bytes += end + 2;
      if (cur.bytes > MAX_REPLY_BYTES) {
        throw new ReplyParserError(`multi-line reply ${cur.code} longer than ${MAX_REPLY_BYTES} bytes (it never ended)`);
      }
      cur.lines.push(text);
      // RFC 959 lets inner lines repeat "123-"; strip that for the message
      cur.texts.push(m && Number(m[1]) === cur.code ? m[3] : text);
      return;
    }
    const m = CODE_LINE.exec(text);
    if (!m) {
      if (text.trim() !== '') {
        this.strayBytes += end + 2;
        if (this.strayBytes > MAX_REPLY_BYTES) throw new ReplyParserError(`more than ${MAX_REPLY_BYTES} bytes of lines that are no reply`);
        this.stray.push(text);
      }
      return;
    }
    const code = Number(m[1]);
    if (m[2] === '-') {
      this.current = { code, lines: [...this.stray, text], texts: [m[3]], bytes: this.strayBytes + end + 2 };
      this.stray = [];
      this.strayBytes = 0;
      return;
    }
    const lines = [...this.stray, text];
    this.stray = [];
    this.strayBytes = 0;
    this.emit(code, lines, [m[3]]);
  }

  private emit(code: number, lines: string[], texts: string[]): void {
    this.onReply({ code, lines, message: texts.join('\n') });
  }
}
