import { asText } from './lines';

/** Joins a listed directory and an entry name the way FTP paths are written. */
export function joinPath(dir: string, name: string): string {
  const base = asText(dir);
  if (base === '') return name;
  return base.endsWith('/') ? base + name : `${base}/${name}`;
}

/**
 * Splits what the server printed as the entry's name into the bare name and
 * a path. A name with a '/' in it can only be a path (no Unix or Windows
 * file name holds '/'): NLST and globbed LIST echo the argument's directory,
 * and MLST names the full path. Such a path is what the server understands,
 * so it is kept as is rather than joined onto `dir` a second time.
 */
export function splitServerName(dir: string, shown: string): { name: string; path: string } {
  // A loop, not /\/+$/: that regex is quadratic on long runs of slashes.
  let end = shown.length;
  while (end > 0 && shown.charCodeAt(end - 1) === 0x2f) end--;
  if (end === 0) return { name: shown, path: shown === '' ? dir : '/' };
  const trimmed = shown.slice(0, end);
  const cut = trimmed.lastIndexOf('/');
  if (cut < 0) return { name: trimmed, path: joinPath(dir, trimmed) };
  return { name: trimmed.slice(cut + 1), path: trimmed };
}

export function isDotName(name: string): boolean {
  return name === '.' || name === '..';
}
