'use strict';
// The demo flow, on a tab of its own: inject -> put hello.txt -> list /*.txt ->
// get hello.txt back -> debug sidebar. Its ftps-server trusts exactly the
// embedded server's self-signed certificate through a core tls-config node.

const TAB = 'ftps-demo-tab';

/** The ids the demo owns; everything else in the flow file is the user's. */
const IDS = {
  tab: TAB,
  inject: 'ftps-demo-inject',
  put: 'ftps-demo-put',
  list: 'ftps-demo-list',
  get: 'ftps-demo-get',
  listing: 'ftps-demo-debug-list',
  content: 'ftps-demo-debug-get',
  catch: 'ftps-demo-catch',
  errors: 'ftps-demo-debug-errors',
  server: 'ftps-demo-server',
  tls: 'ftps-demo-tls',
};

const debug = (id, name, x, y, complete, targetType = 'msg') => ({
  id, type: 'debug', z: TAB, name, active: true, tosidebar: true, console: false, tostatus: true,
  complete, targetType, statusVal: complete, statusType: 'auto', x, y, wires: [],
});

/**
 * @param {{ host: string, port: number, certFile: string, user: string, password: string }} ftp
 * @returns {object[]} flow nodes; the server node carries its credentials
 */
function demoFlow(ftp) {
  return [
    {
      id: TAB, type: 'tab', label: 'FTPS demo', disabled: false,
      info: 'Rewritten at every `npm start`: the embedded FTPS server on ' +
        `${ftp.host}:${ftp.port} and its self-signed certificate are new each time. Your other tabs are kept.`,
    },
    {
      id: 'ftps-demo-comment', type: 'comment', z: TAB, name: 'Click the inject button: put hello.txt, list the directory, get the file back',
      info: '', x: 340, y: 40, wires: [],
    },
    {
      id: IDS.inject, type: 'inject', z: TAB, name: 'put, list, get',
      props: [
        { p: 'payload', v: '"Hello from Node-RED over FTPS at " & $now()', vt: 'jsonata' },
        { p: 'filename', v: 'hello.txt', vt: 'str' },
      ],
      repeat: '', crontab: '', once: false, onceDelay: 0.1, topic: '', x: 120, y: 100, wires: [[IDS.put]],
    },
    {
      id: IDS.put, type: 'ftps-put', z: TAB, name: 'put hello.txt', server: IDS.server, path: 'filename', pathType: 'msg',
      source: 'payload', localFilename: 'localFilename', localFilenameType: 'msg', mode: 'overwrite', resume: false,
      mkdirs: false, transferType: 'binary', preserveTimestamp: '', x: 300, y: 100, wires: [[IDS.list]],
    },
    {
      // the root also holds the examples' folders (seeded by demo/ftp-server.js): the pattern keeps the listing to the text files
      id: IDS.list, type: 'ftps-list', z: TAB, name: 'list /*.txt', server: IDS.server, path: '/', pathType: 'str', pattern: '*.txt',
      method: 'auto', recursive: false, output: 'array', x: 450, y: 100, wires: [[IDS.get, IDS.listing]],
    },
    {
      id: IDS.get, type: 'ftps-get', z: TAB, name: 'get hello.txt', server: IDS.server, path: 'filename', pathType: 'msg',
      output: 'utf8', localFilename: 'localFilename', localFilenameType: 'msg', resume: false, preserveTimestamp: '',
      chunkSize: 65536, transferType: 'binary', x: 610, y: 100, wires: [[IDS.content]],
    },
    debug(IDS.listing, 'listing', 790, 160, 'payload'),
    debug(IDS.content, 'file content', 800, 100, 'payload'),
    { id: IDS.catch, type: 'catch', z: TAB, name: 'FTPS errors', scope: null, uncaught: false, x: 130, y: 240, wires: [[IDS.errors]] },
    debug(IDS.errors, 'error', 310, 240, 'error'),
    {
      id: IDS.server, type: 'ftps-server', name: 'demo FTPS server', host: ftp.host, port: String(ftp.port),
      encryption: 'explicit', dataProt: 'private', tls: IDS.tls, rejectUnauthorized: true, tlsMaxVersion: '',
      pasvHost: '', epsv: 'auto', pret: false, overrideHelp: 'auto', ccc: false, timeout: 30,
      preserveTimestamp: false, maxConnections: 1, idleTimeout: 60, debug: '0',
      credentials: { user: ftp.user, password: ftp.password },
    },
    {
      // The CA is the server's own self-signed certificate, read from its file:
      // verification stays on and trusts exactly that certificate.
      id: IDS.tls, type: 'tls-config', name: 'demo server certificate', cert: '', key: '', ca: ftp.certFile,
      certname: '', keyname: '', caname: '', servername: '', verifyservercert: true, alpnprotocol: '',
    },
  ];
}

/** The user's flows with the demo's nodes replaced by a fresh copy. */
function withDemoFlow(existing, ftp) {
  const ours = new Set(Object.values(IDS));
  const kept = (existing || []).filter((n) => !ours.has(n.id) && n.z !== TAB && !String(n.id).startsWith('ftps-demo-'));
  return demoFlow(ftp).concat(kept);
}

module.exports = { demoFlow, withDemoFlow, IDS };
