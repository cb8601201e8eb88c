#!/usr/bin/python3
"""Twisted FTP test server (twisted.protocols.ftp) for the node-red-contrib-ftps harness.

Run with Debian's /usr/bin/python3 (python3-twisted 22.4):
    /usr/bin/python3 twisted_ftp_server.py CONFIG.json
CONFIG: host, port, user, password, root, pasvMin, pasvMax. Clear text only
(Twisted's FTP server has no TLS).
Prints "READY <host> <port>" on stdout once listening; logs to stderr.
"""

import json
import sys

from twisted.cred.checkers import InMemoryUsernamePasswordDatabaseDontUse
from twisted.cred.portal import IRealm, Portal
from twisted.internet import reactor
from twisted.protocols.ftp import FTPFactory, FTPShell, IFTPShell
from twisted.python import log
from twisted.python.filepath import FilePath
from zope.interface import implementer


@implementer(IRealm)
class RootRealm:
    """Every user gets the same directory as `/` (FTPRealm would add the user name)."""

    def __init__(self, root):
        self.root = FilePath(root)

    def requestAvatar(self, avatar_id, mind, *interfaces):
        for iface in interfaces:
            if iface is IFTPShell:
                return IFTPShell, FTPShell(self.root), lambda: None
        raise NotImplementedError('only IFTPShell')


def main():
    with open(sys.argv[1]) as f:
        cfg = json.load(f)
    log.startLogging(sys.stderr, setStdout=False)
    # Twisted's FTP protocol hands the checker the name and password as str (decoded lines)
    checker = InMemoryUsernamePasswordDatabaseDontUse()
    checker.addUser(cfg['user'], cfg['password'])
    factory = FTPFactory(Portal(RootRealm(cfg['root']), [checker]))
    factory.allowAnonymous = False
    factory.welcomeMessage = 'Twisted test server ready'
    factory.passivePortRange = range(cfg['pasvMin'], cfg['pasvMax'] + 1)
    reactor.listenTCP(cfg['port'], factory, interface=cfg['host'])
    reactor.callWhenRunning(lambda: print('READY %s %d' % (cfg['host'], cfg['port']), flush=True))
    reactor.run()


if __name__ == '__main__':
    main()
