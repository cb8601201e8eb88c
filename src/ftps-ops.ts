/** ftps-ops: delete, rename, mkdir, rmdir, size, exists, stat. */
import { ActionDef, setupAction } from './nodes/action';
import { choice, flag } from './nodes/options';
import { ftpsInfo, lastReply, withResult } from './nodes/result';
import { readPath, typedField } from './nodes/typed-input';
import type { Node, NodeAPI } from './nodes/red';
import { exists, mkdirp, removeTree } from './lib';
import { toMsgEntry } from './nodes/listing';
import { t } from './nodes/i18n';

interface OpsDef extends ActionDef {
  path?: string;
  pathType?: string;
  operation?: string;
  to?: string;
  toType?: string;
  recursive?: boolean | string;
}

const OPERATIONS = ['delete', 'rename', 'mkdir', 'rmdir', 'size', 'exists', 'stat'] as const;

export = function (RED: NodeAPI): void {
  function FtpsOps(this: Node, def: OpsDef): void {
    RED.nodes.createNode(this, def);
    const pathField = typedField(def, 'path', 'filename', 'msg');
    const toField = typedField(def, 'to', 'newFilename', 'msg');
    const operation = choice(def, 'operation', OPERATIONS, 'delete');
    const recursive = flag(def.recursive, false);

    setupAction(RED, this, def, async (msg, io) => {
      const remote = await readPath(io, msg, pathField, t('ftps-server.field.remotePath'), true);
      switch (operation) {
        case 'delete': {
          const reply = await io.run((client) => client.delete(remote));
          return { out: withResult(msg, { payload: remote, ftps: ftpsInfo(reply) }), summary: t('ftps-ops.status.deleted') };
        }
        case 'rename': {
          const to = await readPath(io, msg, toField, t('ftps-server.field.newName'), true);
          const reply = await io.run((client) => client.rename(remote, to));
          return { out: withResult(msg, { payload: remote, newFilename: to, ftps: ftpsInfo(reply) }), summary: t('ftps-ops.status.renamed') };
        }
        case 'mkdir': {
          const reply = await io.run(async (client) => {
            if (recursive) await mkdirp(client, remote);
            else await client.mkdir(remote);
            return lastReply(client, 257, `"${remote}" created`);
          });
          return { out: withResult(msg, { payload: remote, ftps: ftpsInfo(reply) }), summary: t('ftps-ops.status.created') };
        }
        case 'rmdir': {
          const { reply, removed } = await io.run(async (client, ctx) => {
            if (recursive) {
              const n = await removeTree(client, remote, 'auto', ctx.signal);
              return { reply: lastReply(client, 250, 'Directory removed'), removed: n };
            }
            return { reply: await client.rmdir(remote), removed: 1 };
          });
          return { out: withResult(msg, { payload: remote, ftps: ftpsInfo(reply, { removed }) }), summary: t('ftps-ops.status.removed') };
        }
        case 'size': {
          const { size, reply } = await io.run(async (client) => {
            const n = await client.size(remote);
            return { size: n, reply: lastReply(client, 213, String(n)) };
          });
          return { out: withResult(msg, { payload: size, ftps: ftpsInfo(reply) }), summary: t('ftps-ops.status.bytes', { n: size }) };
        }
        case 'stat': {
          const { entry, reply } = await io.run(async (client) => {
            const e = await client.stat(remote);
            return { entry: e, reply: lastReply(client, e ? 250 : 550, e ? `${remote}: ${e.type}` : `${remote}: not found`) };
          });
          return { out: withResult(msg, { payload: entry ? toMsgEntry(entry) : null, ftps: ftpsInfo(reply) }), summary: entry ? entry.type : t('ftps-ops.status.notFound') };
        }
        case 'exists': {
          const { found, reply } = await io.run(async (client) => {
            const f = await exists(client, remote);
            return { found: f, reply: lastReply(client, f ? 213 : 550, f ? 'exists' : `${remote}: not found`) };
          });
          return { out: withResult(msg, { payload: found, ftps: ftpsInfo(reply) }), summary: t(found ? 'ftps-ops.status.exists' : 'ftps-ops.status.notFound') };
        }
      }
    });
  }

  RED.nodes.registerType('ftps-ops', FtpsOps);
};
