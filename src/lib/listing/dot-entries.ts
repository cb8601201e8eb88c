import { isDotName } from './paths';
import type { ListEntry, ParseOptions } from './types';

/** True for '.', '..' and MLSD's cdir/pdir entries, whatever name those carry. */
export function isSelfOrParent(entry: ListEntry): boolean {
  if (isDotName(entry.name)) return true;
  const type = entry.facts?.type?.toLowerCase();
  return type === 'cdir' || type === 'pdir';
}

export function dropSelfAndParent(entries: ListEntry[], opts: ParseOptions | undefined): ListEntry[] {
  return opts?.keepDotEntries ? entries : entries.filter((e) => !isSelfOrParent(e));
}
