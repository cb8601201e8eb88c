/** Joins a listed directory and an entry name the way FTP paths are written. */
export function joinPath(dir: string, name: string): string {
  if (dir === '') return name;
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

/**
 * Splits what the server printed as the entry's name into the bare name and
 * a path. A name with a '/' in it can only be a path (no Unix or Windows
 * file name holds '/'): NLST and globbed LIST echo the argument's directory,
 * and MLST names the full path. Such a path is what the server understands,
 * so it is kept as is rather than joined onto `dir` a second time.
 */
export function splitServerName(dir: string, shown: string): { name: string; path: string } {
  const trimmed = shown.length > 1 ? shown.replace(/\/+$/, '') : shown;
  const cut = trimmed.lastIndexOf('/');
  if (cut < 0 || trimmed === '/') {
    const name = trimmed === '' ? shown : trimmed;
    return { name, path: joinPath(dir, name) };
  }
  return { name: trimmed.slice(cut + 1), path: trimmed };
}

export function isDotName(name: string): boolean {
  return name === '.' || name === '..';
}
