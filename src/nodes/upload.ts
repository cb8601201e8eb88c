/** ftps-put and ftps-xput: what they share (source, options, mkdirs, output). */
import { isRefusal, mkdirp, remoteDirname, resumeNeedsSize, splitGlobPath } from '../lib';
import type { FtpsClient, ScratchOptions, TransferOptions, TransferResult, TransferType, UploadSource } from '../lib';
import type { ActionDef, ActionIO, Outcome } from './action';
import { isMultiSource, multiPut } from './multi-file';
import { MultiDef, MultiOptions, readMultiOptions } from './multi-options';
import { inputError } from './node-error';
import { choice, flag, optionalFlag, transferTypeOf } from './options';
import { ftpsInfo, transferSummary, withResult } from './result';
import { readPath, typedField } from './typed-input';
import type { NodeDef, NodeMessage } from './red';
import { t } from './i18n';

export interface UploadDef extends ActionDef, MultiDef {
  path?: string;
  pathType?: string;
  source?: string;
  localFilename?: string;
  localFilenameType?: string;
  mode?: string;
  resume?: boolean | string;
  /** The contract's `type` (binary | ascii), named transferType because `type` is the node's own type in a flow. */
  transferType?: string;
  preserveTimestamp?: boolean | string;
  mkdirs?: boolean | string;
  prefix?: string;
  postfix?: string;
  body?: string;
}

export type UploadMode = 'overwrite' | 'append' | 'unique';

/**
 * msg.payload as bytes, as the core file node writes it: a Buffer (or any
 * Uint8Array) as is, a string as UTF-8, a number or boolean as its text, an
 * object or array as JSON text. Nothing to upload (null, undefined) is an
 * error rather than an empty file: it usually means the wrong msg arrived.
 */
export function payloadBytes(payload: unknown): Buffer {
  if (Buffer.isBuffer(payload)) return payload;
  if (typeof payload === 'string') return Buffer.from(payload, 'utf8');
  if (payload instanceof Uint8Array) return Buffer.from(payload);
  if (payload === undefined || payload === null) throw inputError(t('ftps-put.errors.noPayload'));
  if (typeof payload === 'number' || typeof payload === 'boolean' || typeof payload === 'bigint') return Buffer.from(String(payload), 'utf8');
  if (typeof payload === 'object') {
    let text: string | undefined;
    try {
      text = JSON.stringify(payload);
    } catch (e) {
      throw inputError(t('ftps-put.errors.notJson', { error: (e as Error).message }));
    }
    if (typeof text === 'string') return Buffer.from(text, 'utf8');
  }
  throw inputError(t('ftps-put.errors.badPayload', { type: typeof payload }));
}

/**
 * The remote size for a resumed upload: 0 when the file is not there yet.
 * SIZE off for the session (the server node's Disable list, FEAT, a
 * refusal) fails the message, as the client's offset -1 does.
 */
async function remoteSizeOrZero(client: FtpsClient, remote: string): Promise<number> {
  const why = client.whyDisabled('SIZE');
  if (why !== null) throw inputError(resumeNeedsSize(remote, why));
  try {
    return await client.size(remote);
  } catch (e) {
    if (isRefusal(e)) return 0;
    throw e;
  }
}

/** Build the input handler of ftps-put, or of ftps-xput when `xput` (scratch name, then rename). */
export function uploadHandler(def: UploadDef, xput: boolean): (msg: NodeMessage, io: ActionIO) => Promise<Outcome> {
  const nodeDef = def as NodeDef;
  const pathField = typedField(nodeDef, 'path', 'filename', 'msg');
  const localField = typedField(nodeDef, 'localFilename', 'localFilename', 'msg');
  const fromFile = choice(def, 'source', ['payload', 'file'], 'payload') === 'file';
  const mode: UploadMode = xput ? 'overwrite' : choice<UploadMode>(def, 'mode', ['overwrite', 'append', 'unique'], 'overwrite');
  const resume = !xput && mode !== 'unique' && flag(def.resume, false);
  const nodeType = choice<TransferType>(def, 'transferType', ['binary', 'ascii'], 'binary');
  const preserveTimestamp = optionalFlag(def.preserveTimestamp);
  const mkdirs = flag(def.mkdirs, false);
  const scratch: ScratchOptions = {};
  if (xput) {
    scratch.prefix = def.prefix === undefined || def.prefix === null ? '_tmp.' : String(def.prefix);
    scratch.postfix = def.postfix === undefined || def.postfix === null ? '.tmp' : String(def.postfix);
    if (def.body) scratch.body = String(def.body);
  }
  const label = xput ? 'xput' : mode === 'append' ? 'append' : 'put';
  const multi: MultiOptions = readMultiOptions(def);

  return async (msg, io) => {
    const type = transferTypeOf(msg, nodeType);
    let source: UploadSource;
    if (fromFile) {
      const name = await readPath(io, msg, localField, t('ftps-server.field.localFile'), true);
      // Kermit's MPUT: a glob or a folder as the source, the remote path is then a directory
      const split = splitGlobPath(name);
      const checked = await io.localPath(split.pattern === '' ? name : split.dir === '' ? '.' : split.dir);
      if (await isMultiSource(checked, split.pattern !== '' || multi.recursive)) {
        if (mode !== 'overwrite' || resume) throw inputError(t('ftps-put.errors.multiMode', { label }));
        const local = split.pattern === '' ? checked : `${checked.replace(/\/+$/, '')}/${split.pattern}`;
        const remoteDir = await readPath(io, msg, pathField, t('ftps-server.field.remoteDir'), true);
        return multiPut(msg, io, { local, remote: remoteDir, opts: multi, type, preserveTimestamp, xput: xput ? scratch : null });
      }
      source = checked;
    } else source = payloadBytes(msg.payload);
    const remote = await readPath(io, msg, pathField, t('ftps-server.field.remotePath'), mode !== 'unique');

    const r: TransferResult = await io.run(async (client, ctx) => {
      const opts: TransferOptions = { type, preserveTimestamp, signal: ctx.signal, onProgress: io.progress(label, ctx) };
      if (mkdirs && remote) {
        const dir = remoteDirname(remote);
        if (dir) await mkdirp(client, dir);
      }
      if (xput) return client.xput(source, remote, { ...opts, ...scratch });
      if (mode === 'unique') return client.uput(source, remote || undefined, opts);
      if (resume) opts.offset = await remoteSizeOrZero(client, remote);
      return mode === 'append' ? client.append(source, remote, opts) : client.put(source, remote, opts);
    });
    return {
      out: withResult(msg, { filename: r.remotePath || remote, ftps: ftpsInfo(r.reply, { bytes: r.bytes, ms: r.ms }) }),
      summary: transferSummary(r.bytes, r.ms),
    };
  };
}
