/** ftps-site: send a SITE command (CHMOD, UTIME, ...); a 4xx/5xx reply is an error. */
import { ActionDef, setupAction } from './nodes/action';
import { ftpsInfo, withResult } from './nodes/result';
import { readPath, typedField } from './nodes/typed-input';
import type { Node, NodeAPI } from './nodes/red';
import { t } from './nodes/i18n';

interface SiteDef extends ActionDef {
  command?: string;
  commandType?: string;
}

export = function (RED: NodeAPI): void {
  function FtpsSite(this: Node, def: SiteDef): void {
    RED.nodes.createNode(this, def);
    const commandField = typedField(def, 'command', 'payload', 'msg');

    setupAction(RED, this, def, async (msg, io) => {
      let args = (await readPath(io, msg, commandField, t('ftps-server.field.siteCommand'), true)).trim();
      // "SITE CHMOD ..." and "CHMOD ..." both work
      if (/^site\s+/i.test(args)) args = args.replace(/^site\s+/i, '');
      const reply = await io.run((client) => client.site(args));
      return { out: withResult(msg, { payload: reply.message, ftps: ftpsInfo(reply) }), summary: String(reply.code) };
    });
  }

  RED.nodes.registerType('ftps-site', FtpsSite);
};
