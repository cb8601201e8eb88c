/** ftps-xput: upload under a scratch name, then rename into place (watchers never see a partial file). */
import { setupAction } from './nodes/action';
import type { Node, NodeAPI } from './nodes/red';
import { UploadDef, uploadHandler } from './nodes/upload';

export = function (RED: NodeAPI): void {
  function FtpsXput(this: Node, def: UploadDef): void {
    RED.nodes.createNode(this, def);
    setupAction(RED, this, def, uploadHandler(def, true));
  }

  RED.nodes.registerType('ftps-xput', FtpsXput);
};
