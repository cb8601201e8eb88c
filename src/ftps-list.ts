/** ftps-list: list a remote directory (MLSD / LIST / NLST), optionally filtered and recursive. */
import { ActionDef, setupAction } from './nodes/action';
import { choice, flag } from './nodes/options';
import { ftpsInfo, lastReply, withResult } from './nodes/result';
import { readPath, typedField } from './nodes/typed-input';
import { LIST_METHODS } from './lib';
import { planSelection, selectEntries, toMsgEntry } from './nodes/listing';
import type { Node, NodeAPI, NodeMessage } from './nodes/red';
import { t } from './nodes/i18n';

interface ListDef extends ActionDef {
  path?: string;
  pathType?: string;
  pattern?: string;
  method?: string;
  recursive?: boolean | string;
  /** Extension: 'array' (one msg, payload = entries) or 'split' (one msg per entry with msg.parts). */
  output?: string;
  /** Let the glob match names starting with a dot (default false). */
  dot?: boolean | string;
}

export = function (RED: NodeAPI): void {
  function FtpsList(this: Node, def: ListDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const pathField = typedField(def, 'path', 'filename', 'msg');
    const pattern = String(def.pattern ?? '').trim();
    const method = choice(def, 'method', LIST_METHODS, 'auto');
    const recursive = flag(def.recursive, false);
    const split = choice(def, 'output', ['array', 'split'], 'array') === 'split';
    const dot = flag(def.dot, false);

    setupAction(RED, node, def, async (msg, io) => {
      const dir = await readPath(io, msg, pathField, t('ftps-server.field.path'), false);
      const plan = planSelection(dir, { pattern, recursive, method });
      const { entries, reply } = await io.run(async (client, ctx) => {
        const selected = await selectEntries(client, plan, { pattern, recursive, method, dot, signal: ctx.signal });
        return { entries: selected.map(toMsgEntry), reply: lastReply(client, 226, 'Transfer complete') };
      });
      const summary = t(entries.length === 1 ? 'ftps-list.status.entry' : 'ftps-list.status.entries', { n: entries.length });
      if (!split) {
        return { out: withResult(msg, { payload: entries, ftps: ftpsInfo(reply, { count: entries.length }) }), summary };
      }
      if (entries.length === 0) {
        // nothing to split: one message with an empty array, so a flow still hears back
        return { out: withResult(msg, { payload: [], ftps: ftpsInfo(reply, { count: 0 }) }), summary };
      }
      const id = RED.util.generateId();
      const out: NodeMessage[] = entries.map((entry, index) => {
        const m = RED.util.cloneMessage(msg);
        m.payload = entry;
        m.filename = entry.path;
        m.parts = { id, index, count: entries.length, type: 'array', len: 1 };
        m.ftps = ftpsInfo(reply, { count: entries.length });
        return m;
      });
      return { out, summary };
    });
  }

  RED.nodes.registerType('ftps-list', FtpsList);
};
