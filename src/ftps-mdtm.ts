/** ftps-mdtm: read (MDTM) or set (MFMT and fallbacks) a remote file's modification time. */
import { ActionDef, setupAction } from './nodes/action';
import { inputError } from './nodes/node-error';
import { choice } from './nodes/options';
import { ftpsInfo, lastReply, withResult } from './nodes/result';
import { evaluate, fieldSource, readPath, typedField } from './nodes/typed-input';
import type { Node, NodeAPI } from './nodes/red';
import { t } from './nodes/i18n';

interface MdtmDef extends ActionDef {
  path?: string;
  pathType?: string;
  action?: string;
  /** For 'set': where the time comes from (default msg.payload). */
  time?: string;
  timeType?: string;
}

/** A Date, a number of milliseconds since 1970 or an ISO 8601 string (a string of digits counts as milliseconds). */
function toTime(v: unknown, source: string): Date {
  let d: Date | null = null;
  if (v instanceof Date) d = v;
  else if (typeof v === 'number') d = new Date(v);
  else if (typeof v === 'string' && v.trim() !== '') d = /^\d+$/.test(v.trim()) ? new Date(Number(v.trim())) : new Date(v.trim());
  if (!d || Number.isNaN(d.getTime())) throw inputError(t('ftps-mdtm.errors.notATime', { source }));
  return d;
}

export = function (RED: NodeAPI): void {
  function FtpsMdtm(this: Node, def: MdtmDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const pathField = typedField(def, 'path', 'filename', 'msg');
    const timeField = typedField(def, 'time', 'payload', 'msg');
    const action = choice(def, 'action', ['get', 'set'] as const, 'get');

    setupAction(RED, node, def, async (msg, io) => {
      const remote = await readPath(io, msg, pathField, t('ftps-server.field.remotePath'), true);
      if (action === 'get') {
        const { t: mtime, reply } = await io.run(async (client) => {
          const d = await client.mdtm(remote);
          return { t: d, reply: lastReply(client, 213, d.toISOString()) };
        });
        return { out: withResult(msg, { payload: mtime.toISOString(), ftps: ftpsInfo(reply) }), summary: mtime.toISOString() };
      }
      const time = toTime(await evaluate(RED, node, msg, timeField), fieldSource(timeField, t('ftps-server.field.time')));
      const { t: mtime, reply } = await io.run(async (client) => {
        await client.setModified(remote, time);
        const setReply = lastReply(client, 213, 'File modification time set');
        // read it back: what the server stored (FTP times have whole seconds)
        let stored: Date;
        try {
          stored = await client.mdtm(remote);
        } catch {
          stored = new Date(Math.floor(time.getTime() / 1000) * 1000);
        }
        return { t: stored, reply: setReply };
      });
      return { out: withResult(msg, { payload: mtime.toISOString(), ftps: ftpsInfo(reply) }), summary: mtime.toISOString() };
    });
  }

  RED.nodes.registerType('ftps-mdtm', FtpsMdtm);
};
