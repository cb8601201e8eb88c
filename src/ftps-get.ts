/** ftps-get: download a remote file into msg.payload (Buffer or string), a local file, or a series of chunk messages. */
import { Writable } from 'node:stream';
import { isWild } from './lib';
import type { TransferType } from './lib';
import { multiGet } from './nodes/multi-file';
import { MultiDef, MultiOptions, readMultiOptions } from './nodes/multi-options';
import { inputError } from './nodes/node-error';
import { ActionDef, setupAction } from './nodes/action';
import { choice, flag, optionalFlag, transferTypeOf } from './nodes/options';
import { FtpsInfo, ftpsInfo, transferSummary, withResult } from './nodes/result';
import { readPath, typedField } from './nodes/typed-input';
import type { Node, NodeAPI, NodeMessage } from './nodes/red';
import { t } from './nodes/i18n';

interface GetDef extends ActionDef, MultiDef {
  path?: string;
  pathType?: string;
  output?: string;
  localFilename?: string;
  localFilenameType?: string;
  /** The contract's `type` (binary | ascii): `type` is the node's own type in a flow, so the property is named transferType. */
  transferType?: string;
  resume?: boolean | string;
  preserveTimestamp?: boolean | string;
  /** For output 'chunks': bytes per message (default 65536, as the core file-in node). */
  chunkSize?: number | string;
}

type Output = 'buffer' | 'utf8' | 'file' | 'chunks';

export = function (RED: NodeAPI): void {
  function FtpsGet(this: Node, def: GetDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const pathField = typedField(def, 'path', 'filename', 'msg');
    const localField = typedField(def, 'localFilename', 'localFilename', 'msg');
    const output = choice<Output>(def, 'output', ['buffer', 'utf8', 'file', 'chunks'], 'buffer');
    const nodeType = choice<TransferType>(def, 'transferType', ['binary', 'ascii'], 'binary');
    const resume = flag(def.resume, false);
    const preserveTimestamp = optionalFlag(def.preserveTimestamp);
    const chunkSize = Math.max(1024, Math.floor(Number(def.chunkSize) || 65536));
    const multi: MultiOptions = readMultiOptions(def);

    setupAction(RED, node, def, async (msg, io) => {
      const remote = await readPath(io, msg, pathField, t('ftps-server.field.remotePath'), true);
      const type = transferTypeOf(msg, nodeType);

      // Kermit's MGET: a glob anywhere in the path, or a whole tree
      if (multi.recursive || isWild(remote)) {
        if (output !== 'file') throw inputError(t('ftps-get.errors.multiOutput', { output }));
        if (resume) throw inputError(t('ftps-get.errors.multiResume'));
        const localDir = await io.localPath(await readPath(io, msg, localField, t('ftps-server.field.localFolder'), true));
        return multiGet(msg, io, { remote, localDir, opts: multi, type, preserveTimestamp });
      }

      if (output === 'file') {
        const local = await io.localPath(await readPath(io, msg, localField, t('ftps-server.field.localFile'), true));
        const r = await io.run((client, ctx) =>
          client.get(remote, local, {
            type,
            // resume: continue the local file in place from its size (Net::FTPSSL's OFFSET -1);
            // otherwise the data lands under a scratch name and is renamed into place when complete
            offset: resume ? -1 : undefined,
            preserveTimestamp,
            signal: ctx.signal,
            onProgress: io.progress('get', ctx),
          }),
        );
        return {
          out: withResult(msg, { payload: r.localPath ?? local, ftps: ftpsInfo(r.reply, { bytes: r.bytes, ms: r.ms }) }),
          summary: transferSummary(r.bytes, r.ms),
        };
      }

      if (output === 'chunks') {
        const id = RED.util.generateId();
        let index = 0;
        let held: { data: Buffer; ftps: FtpsInfo } | null = null;
        let buf: Buffer[] = [];
        let bufLen = 0;
        let sent = 0;
        // every chunk carries msg.ftps; before the final reply it is RFC 959's "150 about to open data
        // connection" state (the client exposes final replies only) with the bytes up to the chunk's end
        const inProgress = (bytes: number): FtpsInfo => ftpsInfo({ code: 150, message: 'transfer in progress' }, { bytes });
        const chunkMsg = (data: Buffer, i: number, ftps: FtpsInfo): NodeMessage => {
          const m = RED.util.cloneMessage(msg);
          m.payload = data;
          m.filename = remote;
          m.parts = { id, index: i, type: 'buffer', ch: '' };
          m.ftps = ftps;
          return m;
        };
        const emit = (data: Buffer): void => {
          // one chunk is held back so the last one can carry parts.count and the final msg.ftps
          if (held) io.sendNow(chunkMsg(held.data, index++, held.ftps));
          sent += data.length;
          held = { data, ftps: inProgress(sent) };
        };
        const r = await io.run((client, ctx) => {
          // a retry starts the file over: chunks already sent commit the job, so it is never retried
          const sink = new Writable({
            write(chunk: Buffer, _enc, cb) {
              buf.push(chunk);
              bufLen += chunk.length;
              while (bufLen >= chunkSize) {
                const all = Buffer.concat(buf);
                emit(all.subarray(0, chunkSize));
                buf = [all.subarray(chunkSize)];
                bufLen = all.length - chunkSize;
              }
              cb();
            },
          });
          return client.get(remote, sink, { type, signal: ctx.signal, onProgress: io.progress('get', ctx) });
        });
        if (bufLen > 0) emit(Buffer.concat(buf));
        const final = ftpsInfo(r.reply, { bytes: r.bytes, ms: r.ms });
        // assigned in emit(), which the compiler does not follow
        const lastChunk = held as { data: Buffer } | null;
        const last = chunkMsg(lastChunk ? lastChunk.data : Buffer.alloc(0), index, final);
        (last.parts as Record<string, unknown>).count = index + 1;
        return { out: last, summary: transferSummary(r.bytes, r.ms) };
      }

      const r = await io.run((client, ctx) => client.fetch(remote, { type, signal: ctx.signal, onProgress: io.progress('get', ctx) }));
      return {
        out: withResult(msg, { payload: output === 'utf8' ? r.data.toString('utf8') : r.data, ftps: ftpsInfo(r.reply, { bytes: r.bytes, ms: r.ms }) }),
        summary: transferSummary(r.bytes, r.ms),
      };
    });
  }

  RED.nodes.registerType('ftps-get', FtpsGet);
};
