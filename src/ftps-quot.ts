/** ftps-quot: send a raw command line; every reply, 4xx/5xx included, goes to the output. */
import { ActionDef, setupAction } from './nodes/action';
import { ftpsInfo, withResult } from './nodes/result';
import { readPath, typedField } from './nodes/typed-input';
import type { Node, NodeAPI } from './nodes/red';
import { t } from './nodes/i18n';

interface QuotDef extends ActionDef {
  command?: string;
  commandType?: string;
}

export = function (RED: NodeAPI): void {
  function FtpsQuot(this: Node, def: QuotDef): void {
    RED.nodes.createNode(this, def);
    const commandField = typedField(def, 'command', 'payload', 'msg');

    setupAction(RED, this, def, async (msg, io) => {
      const line = (await readPath(io, msg, commandField, t('ftps-server.field.command'), true)).trim();
      const reply = await io.run((client) => client.quot(line));
      return {
        out: withResult(msg, { payload: reply.message, ftps: ftpsInfo(reply) }),
        summary: String(reply.code),
      };
    });
  }

  RED.nodes.registerType('ftps-quot', FtpsQuot);
};
