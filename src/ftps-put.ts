/** ftps-put: upload msg.payload or a local file (STOR, APPE or STOU). */
import { setupAction } from './nodes/action';
import type { Node, NodeAPI } from './nodes/red';
import { UploadDef, uploadHandler } from './nodes/upload';

export = function (RED: NodeAPI): void {
  function FtpsPut(this: Node, def: UploadDef): void {
    RED.nodes.createNode(this, def);
    setupAction(RED, this, def, uploadHandler(def, false));
  }

  RED.nodes.registerType('ftps-put', FtpsPut);
};
