/** ftps-list: list a remote directory (MLSD / LIST / NLST), optionally filtered and recursive. */
import { ActionDef, flagOpt, ftpsInfo, lastReply, readPath, setupAction, typedField, withResult } from './nodes/action';
import { option } from './nodes/options';
import { globMatches, planListing } from './lib';
import { LIST_METHODS, listDir, MsgEntry, toMsgEntry, walk } from './nodes/listing';
import type { Node, NodeAPI, NodeMessage } from './nodes/red';

interface ListDef extends ActionDef {
  path?: string;
  pathType?: string;
  pattern?: string;
  method?: string;
  recursive?: boolean | string;
  /** Extension: 'array' (one msg, payload = entries) or 'split' (one msg per entry with msg.parts). */
  output?: string;
}

export = function (RED: NodeAPI): void {
  function FtpsList(this: Node, def: ListDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const pathField = typedField(def, 'path', 'filename', 'msg');
    const pattern = String(def.pattern ?? '').trim();
    const method = option(def, 'method', LIST_METHODS, 'auto');
    const recursive = flagOpt(def.recursive, false);
    const split = option(def, 'output', ['array', 'split'], 'array') === 'split';

    setupAction(RED, node, def, async (msg, io) => {
      const dir = await readPath(io, msg, pathField, 'path', false);
      // "sub/*.csv" in a one-directory listing lists sub and matches *.csv there, as client.list does
      const plan = !recursive && pattern.includes('/') ? planListing(dir, { method, pattern, matchLocally: true }) : { dir, localPattern: pattern };
      const { entries, reply } = await io.run(async (client, ctx) => {
        let list: MsgEntry[];
        // the client's matching rule (client.list): a glob without '/' matches the
        // name at any depth, one with '/' the path below the listed directory
        if (recursive) {
          const all = await walk(client, dir, method, ctx.signal);
          list = all.filter((w) => globMatches(pattern, w.rel)).map((w) => toMsgEntry(w.entry));
        } else {
          const raw = await listDir(client, plan.dir, method, ctx.signal);
          list = raw.filter((e) => globMatches(plan.localPattern, e.name)).map(toMsgEntry);
        }
        return { entries: list, reply: lastReply(client, 226, 'Transfer complete') };
      });
      const summary = `${entries.length} ${entries.length === 1 ? 'entry' : 'entries'}`;
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
