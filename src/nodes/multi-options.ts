/**
 * What multi-file get and put (the contract's "Kermit's MGET and MPUT")
 * decide before any session is used: their options and which names may be
 * written on the receiving side (where a glob path splits is the client's
 * splitGlobPath, src/lib/match.ts).
 */
import { isPlainName } from '../lib';
import { t } from './i18n';
import { choice, count, flag } from './options';

export type SkipRule = 'none' | 'same' | 'older';

export interface MultiOptions {
  recursive: boolean;
  skip: SkipRule;
  deleteExtraneous: boolean;
  concurrency: number;
  /** Let the glob match names starting with a dot. */
  dot: boolean;
}

/** The most files one message keeps in flight, whatever the flow says (the pool bounds sessions anyway). */
const MAX_CONCURRENCY = 64;

export interface MultiDef {
  recursive?: boolean | string;
  skip?: string;
  deleteExtraneous?: boolean | string;
  concurrency?: number | string;
  dot?: boolean | string;
}

/**
 * The node's multi-file options with the contract's defaults; an unknown
 * `skip` or a junk `concurrency` is recorded for optionProblem(), which
 * fails every message before anything is sent.
 */
export function readMultiOptions(def: MultiDef): MultiOptions {
  return {
    recursive: flag(def.recursive, false),
    skip: choice<SkipRule>(def, 'skip', ['none', 'same', 'older'], 'none'),
    deleteExtraneous: flag(def.deleteExtraneous, false),
    concurrency: Math.min(MAX_CONCURRENCY, count(def, 'concurrency', 1, 1)),
    dot: flag(def.dot, false),
  };
}

/** The longest name most local file systems take (NAME_MAX, in bytes), and a whole path (PATH_MAX). */
const NAME_MAX = 255;
const PATH_MAX = 4095;

/**
 * Why a relative path from the other side must not be written below the
 * target (null when it may be): empty, "." or ".." parts, a backslash or
 * NUL inside a part, an absolute path, a part or path too long for the
 * local file system. `name` is the entry's own name as listed, which must
 * not hold a separator (a server that lists "a/b" as one name).
 */
export function unsafeName(rel: string, name?: string): string | null {
  if (name !== undefined && (name.includes('/') || name.includes('\\'))) return t('ftps-get.errors.unsafe.separator');
  if (rel.startsWith('/') || /^[A-Za-z]:/.test(rel)) return t('ftps-get.errors.unsafe.absolute');
  const parts = rel.split('/');
  for (const part of parts) {
    // the rule is the client's (safe-names.ts); the reason is only for the message
    if (!isPlainName(part)) {
      if (part.includes('\0')) return t('ftps-get.errors.unsafe.nul');
      if (part.includes('\\')) return t('ftps-get.errors.unsafe.backslash');
      return t('ftps-get.errors.unsafe.dots');
    }
    if (Buffer.byteLength(part, 'utf8') > NAME_MAX) return t('ftps-get.errors.unsafe.nameTooLong', { max: NAME_MAX });
  }
  if (Buffer.byteLength(rel, 'utf8') > PATH_MAX) return t('ftps-get.errors.unsafe.pathTooLong', { max: PATH_MAX });
  return null;
}
