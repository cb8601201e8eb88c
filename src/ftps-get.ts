/** ftps-get: download a remote file into msg.payload (Buffer or string), a local file, or a series of chunk messages. */
import { Writable } from 'node:stream';
import type { TransferType } from './lib';
import { ActionDef, choice, flagOpt, ftpsInfo, optionalFlag, readPath, setupAction, transferSummary, typedField, withResult } from './nodes/action';
import type { Node, NodeAPI, NodeMessage } from './nodes/red';

interface GetDef extends ActionDef {
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
    const output = choice<Output>(def.output, ['buffer', 'utf8', 'file', 'chunks'], 'buffer');
    const type = choice<TransferType>(def.transferType, ['binary', 'ascii'], 'binary');
    const resume = flagOpt(def.resume, false);
    const preserveTimestamp = optionalFlag(def.preserveTimestamp);
    const chunkSize = Math.max(1024, Math.floor(Number(def.chunkSize) || 65536));

    setupAction(RED, node, def, async (msg, io) => {
      const remote = await readPath(io, msg, pathField, 'remote path', true);

      if (output === 'file') {
        const local = await io.localPath(await readPath(io, msg, localField, 'local file name', true));
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
        let held: Buffer | null = null;
        let buf: Buffer[] = [];
        let bufLen = 0;
        const chunkMsg = (data: Buffer, i: number): NodeMessage => {
          const m = RED.util.cloneMessage(msg);
          m.payload = data;
          m.filename = remote;
          m.parts = { id, index: i, type: 'buffer', ch: '' };
          return m;
        };
        const emit = (data: Buffer): void => {
          // one chunk is held back so the last one can carry parts.count and msg.ftps
          if (held) io.sendNow(chunkMsg(held, index++));
          held = data;
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
        const last = chunkMsg(held ?? Buffer.alloc(0), index);
        (last.parts as Record<string, unknown>).count = index + 1;
        last.ftps = ftpsInfo(r.reply, { bytes: r.bytes, ms: r.ms });
        return { out: last, summary: transferSummary(r.bytes, r.ms) };
      }

      const r = await io.run((client, ctx) => {
        const parts: Buffer[] = [];
        const sink = new Writable({
          write(chunk: Buffer, _enc, cb) {
            parts.push(chunk);
            cb();
          },
        });
        return client.get(remote, sink, { type, signal: ctx.signal, onProgress: io.progress('get', ctx) }).then((res) => ({ ...res, data: Buffer.concat(parts) }));
      });
      return {
        out: withResult(msg, { payload: output === 'utf8' ? r.data.toString('utf8') : r.data, ftps: ftpsInfo(r.reply, { bytes: r.bytes, ms: r.ms }) }),
        summary: transferSummary(r.bytes, r.ms),
      };
    });
  }

  RED.nodes.registerType('ftps-get', FtpsGet);
};
