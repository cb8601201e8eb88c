/** The FTPS client, usable without Node-RED. */
export { FtpsClient } from './client';
export { replyError } from './session';
export { parseQuotedPath } from './server-text';
export { scratchPath } from './scratch';
export { MemoryTarget } from './memory-target';
export type {
  FtpsClientOptions,
  Encryption,
  DataProtection,
  EpsvMode,
  TransferType,
  TransferOptions,
  TransferResult,
  ScratchOptions,
  Progress,
  UploadSource,
  DownloadTarget,
} from './client-options';
export { FtpError, isFtpError, isRefusal, isConnectionLost, maskCommand } from './errors';
export type { FtpErrorKind } from './errors';
export { ReplyParser, replyStatus, isPositive } from './reply';
export { assertSafeArgument } from './validate';
export type { Reply } from './reply';
export type { TlsSettings } from './tls-settings';
export type { DebugLevel, LogSink } from './log';
export type { HelpOverride } from './features';
export { parseFeat, parseHelp, parseHelpOverride } from './features';
export { parsePasv, parseEpsv, choosePassiveHost } from './passive';
export { parseFtpTime, formatFtpTime } from './timefmt';
export { LfToCrlf, CrlfToLf } from './ascii';
export type { ListEntry } from './listing';
export { list, listDirectory, planListing, resolveTarget, LIST_METHODS } from './tree';
export type { ListOptions, ListMethod, ListVerb, ListPlan, TreeEntry, ListingClient } from './tree';
export { downloadTree, uploadTree, removeTree, localPathFor } from './tree-transfer';
export type { TreeClient, TreeProgress, TreeTransferOptions, TreeTransferResult } from './tree-transfer';
export { isDir, exists, mkdirp, remoteDirname, ancestors } from './remote-fs';
export { stat, isAmbiguousMissing } from './stat';
export type { StatClient } from './stat';
export { isPlainName, staysBelow } from './safe-names';
export type { CwdClient, DirClient } from './remote-fs';
export { FeatureSwitches, SWITCHABLE, switchName, mlstOptsFacts, resumeNeedsSize } from './feature-switches';
export type { Switchable } from './feature-switches';
export { anyGlobMatches, asList, globMatches, isWild, splitGlobPath, splitWild } from './match';
export type { GlobOptions } from './match';
export { proxyDialer, parseProxyUrl, bypassesProxy } from './proxy-connect';
export type { ProxySettings, TcpDialer } from './proxy-connect';
export { TokenBucket, RateLimit } from './rate-limit';
export { CertificateError, normalizeFingerprint } from './peer-check';
export type { PeerCertificate, TlsConnectionInfo } from './peer-check';
