#!/usr/bin/python3
"""aioftp test server for the node-red-contrib-ftps harness.

Run with Debian's /usr/bin/python3 (python3-aioftp 0.21.4):
    /usr/bin/python3 aioftp_server.py CONFIG.json
CONFIG: host, port, mode ('implicit' | 'clear'), user, password, root, pasvMin,
pasvMax, tls13, certfile, keyfile.
aioftp has no AUTH TLS: its TLS is implicit (control and data connections).
Prints "READY <host> <port>" on stdout once listening; logs to stderr.
"""

import asyncio
import json
import logging
import pathlib
import ssl
import sys

import aioftp


async def serve(cfg):
    ctx = None
    if cfg['mode'] == 'implicit':
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cfg['certfile'], cfg['keyfile'])
        if not cfg.get('tls13', True):
            ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    elif cfg['mode'] != 'clear':
        raise SystemExit('aioftp has no explicit TLS (AUTH TLS)')
    user = aioftp.User(
        cfg['user'], cfg['password'],
        base_path=pathlib.Path(cfg['root']), home_path=pathlib.PurePosixPath('/'),
        permissions=[aioftp.Permission('/', readable=True, writable=True)],
    )
    server = aioftp.Server(
        [user], data_ports=range(cfg['pasvMin'], cfg['pasvMax'] + 1), ssl=ctx,
    )
    await server.start(cfg['host'], cfg['port'])
    print('READY %s %d' % (cfg['host'], cfg['port']), flush=True)
    await server.serve_forever()


def main():
    with open(sys.argv[1]) as f:
        cfg = json.load(f)
    logging.basicConfig(stream=sys.stderr, level=logging.INFO,
                        format='%(asctime)s %(levelname)s %(message)s')
    asyncio.run(serve(cfg))


if __name__ == '__main__':
    main()
