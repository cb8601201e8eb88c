import { Transform, TransformCallback } from 'node:stream';

const CR = 0x0d;
const LF = 0x0a;

/**
 * ASCII mode upload: local LF line ends become CRLF on the wire (RFC 959
 * NVT-ASCII). A CRLF already present is left alone, across chunk borders.
 */
export class LfToCrlf extends Transform {
  private lastWasCr = false;

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    let extra = 0;
    for (let i = 0; i < chunk.length; i++) {
      if (chunk[i] === LF && !(i === 0 ? this.lastWasCr : chunk[i - 1] === CR)) extra++;
    }
    if (extra === 0) {
      if (chunk.length) this.lastWasCr = chunk[chunk.length - 1] === CR;
      cb(null, chunk);
      return;
    }
    const out = Buffer.allocUnsafe(chunk.length + extra);
    let o = 0;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (b === LF && !(i === 0 ? this.lastWasCr : chunk[i - 1] === CR)) out[o++] = CR;
      out[o++] = b;
    }
    this.lastWasCr = chunk[chunk.length - 1] === CR;
    cb(null, out);
  }
}

/**
 * ASCII mode download: CRLF from the wire becomes LF. A CR at the end of a
 * chunk is held back until the next byte shows whether an LF follows; a
 * lone CR is kept.
 */
export class CrlfToLf extends Transform {
  private heldCr = false;

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    if (chunk.length === 0) {
      cb();
      return;
    }
    const out = Buffer.allocUnsafe(chunk.length + 1);
    let o = 0;
    let i = 0;
    if (this.heldCr) {
      this.heldCr = false;
      if (chunk[0] !== LF) out[o++] = CR;
    }
    for (; i < chunk.length; i++) {
      const b = chunk[i];
      if (b === CR) {
        if (i === chunk.length - 1) {
          this.heldCr = true;
          break;
        }
        if (chunk[i + 1] === LF) continue;
      }
      out[o++] = b;
    }
    cb(null, out.subarray(0, o));
  }

  override _flush(cb: TransformCallback): void {
    cb(null, this.heldCr ? Buffer.from([CR]) : undefined);
  }
}
