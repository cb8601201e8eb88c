#!/usr/bin/python3
"""pyftpdlib test server for the node-red-contrib-ftps harness.

Run with Debian's /usr/bin/python3 (python3-pyftpdlib 1.5.7, python3-openssl):
    /usr/bin/python3 pyftpd_server.py CONFIG.json
CONFIG: host, port, mode ('explicit' | 'implicit' | 'clear'), user, password, root,
pasvMin, pasvMax, pasvAddress, requireTls, helpDisabled, tls13, certfile, keyfile,
dropCommands (names removed from proto_cmds), transferCommandDelay (s).
Prints "READY <host> <port>" on stdout once listening; logs to stderr.
"""

import json
import logging
import sys

from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import FTPHandler
from pyftpdlib.servers import FTPServer


def main():
    with open(sys.argv[1]) as f:
        cfg = json.load(f)

    logging.basicConfig(stream=sys.stderr, level=logging.DEBUG if cfg.get("debug") else logging.INFO,
                        format='%(asctime)s %(levelname)s %(message)s')

    authorizer = DummyAuthorizer()
    authorizer.add_user(cfg['user'], cfg['password'], cfg['root'], perm='elradfmwMT')

    mode = cfg['mode']
    if mode == 'clear':
        base = FTPHandler
    else:
        from OpenSSL import SSL
        from pyftpdlib.handlers import TLS_FTPHandler
        base = TLS_FTPHandler

    proto = dict(base.proto_cmds)
    if cfg.get('helpDisabled'):
        proto.pop('HELP', None)
    # dropCommands: a server without, e.g., SIZE and MDTM (answers 500 and leaves them out of FEAT)
    for name in cfg.get('dropCommands') or []:
        proto.pop(name.upper(), None)

    attrs = {
        'authorizer': authorizer,
        'passive_ports': list(range(cfg['pasvMin'], cfg['pasvMax'] + 1)),
        'masquerade_address': cfg.get('pasvAddress') or None,
        'banner': 'pyftpdlib test server ready',
        'proto_cmds': proto,
        'permit_foreign_addresses': False,
        # idleTimeout: seconds of silence before "421 Control connection timed out." (pyftpdlib's default 300)
        'timeout': cfg.get('idleTimeout') or 300,
    }
    if mode != 'clear':
        attrs.update({
            'certfile': cfg['certfile'],
            'keyfile': cfg['keyfile'],
            'tls_control_required': bool(cfg.get('requireTls')),
            'tls_data_required': bool(cfg.get('requireTls')),
            'ssl_context': None,
        })

    delay = float(cfg.get('transferCommandDelay') or 0)
    if delay > 0:
        parent = base

        class SlowTransfers(parent):
            """Takes `delay` s before acting on a session's first transfer command, as a
            loaded server does: a data connection's ClientHello sent right after the
            command then arrives first, and pyftpdlib resets that data connection.
            (Only the first: pyftpdlib 1.5.7 also fails a transfer it starts from a
            timer on a data connection that is still in its handshake.)"""

            _delayed_once = False

            def pre_process_command(self, line, cmd, arg):
                if not self._delayed_once and cmd in ('RETR', 'STOR', 'APPE', 'STOU', 'LIST', 'NLST', 'MLSD'):
                    self._delayed_once = True
                    self.ioloop.call_later(delay, parent.pre_process_command, self, line, cmd, arg)
                else:
                    parent.pre_process_command(self, line, cmd, arg)

        base = SlowTransfers

    if mode == 'implicit':
        class ImplicitTLSHandler(base):
            """TLS handshake first, then the 220 banner (pyftpdlib has no implicit mode)."""

            _implicit_greeted = False

            def handle(self):
                self.secure_connection(self.ssl_context)

            def handle_ssl_established(self):
                if not self._implicit_greeted:
                    self._implicit_greeted = True
                    self._pbsz = True  # PBSZ is implied on an implicit TLS connection
                    base.handle(self)

        handler = type('Handler', (ImplicitTLSHandler,), attrs)
    else:
        handler = type('Handler', (base,), attrs)

    if mode != 'clear':
        ctx = handler.get_ssl_context()
        if not cfg.get('tls13', True):
            if hasattr(ctx, 'set_max_proto_version'):
                ctx.set_max_proto_version(SSL.TLS1_2_VERSION)
            else:
                ctx.set_options(SSL.OP_NO_TLSv1_3)
        ctx.set_cipher_list(b'HIGH:!aNULL')
        # lets TLS 1.2 data connections resume the control connection's session
        ctx.set_session_id(b'ftps-harness')
        # propagate to subclasses' class attribute lookups
        handler.ssl_context = ctx

    server = FTPServer((cfg['host'], cfg['port']), handler)
    server.max_cons = 256
    server.max_cons_per_ip = 256
    print('READY %s %d' % (cfg['host'], cfg['port']), flush=True)
    server.serve_forever(timeout=1.0, handle_exit=True)


if __name__ == '__main__':
    main()
