import { joinPath } from './paths';
import type { ListEntry } from './types';

/**
 * What a line no parser understood becomes: kept rather than dropped, so a
 * caller can still show it and nothing vanishes from a listing silently.
 */
export function unknownEntry(line: string, dir: string): ListEntry {
  const name = line.trim();
  return {
    name,
    path: joinPath(dir, name),
    type: 'other',
    size: null,
    modified: null,
    permissions: null,
    raw: line,
  };
}
