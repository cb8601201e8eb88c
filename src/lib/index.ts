/** The FTPS client, usable without Node-RED. */
export { FtpsClient, replyError, parseQuotedPath, scratchPath } from './client';
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
} from './client';
export { FtpError, isFtpError, maskCommand } from './errors';
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
export { list, listDirectory, planListing, resolveTarget, LIST_METHODS } from './tree';
export type { ListOptions, ListMethod, ListVerb, ListPlan, TreeEntry, ListingClient } from './tree';
export { downloadTree, uploadTree, localPathFor } from './tree-transfer';
export type { TreeProgress, TreeTransferOptions, TreeTransferResult } from './tree-transfer';
export { FeatureSwitches, SWITCHABLE, switchName, mlstOptsFacts, resumeNeedsSize } from './feature-switches';
export type { Switchable } from './feature-switches';
export { globMatches, isWild, splitWild } from './match';
export { proxyDialer, parseProxyUrl, bypassesProxy } from './proxy-connect';
export type { ProxySettings, TcpDialer } from './proxy-connect';
export { TokenBucket, RateLimit } from './rate-limit';
