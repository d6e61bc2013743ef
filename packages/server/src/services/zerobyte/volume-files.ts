// Listing a volume's files (paged, never leaving the volume) and the host directory picker.
import fs from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, NotFoundError } from '../../errors.js';

export interface VolumeFile {
  name: string;
  path: string;
  type: 'directory' | 'file';
  size?: number;
  modifiedAt?: number;
}

/** `sub` inside `root`, symlinks resolved: a path (or link) leading out of the volume is refused. */
async function inside(root: string, sub: string): Promise<string> {
  const realRoot = await fs.promises.realpath(root);
  const target = path.resolve(realRoot, `.${path.posix.normalize(`/${sub}`)}`);
  let real: string;
  try {
    real = await fs.promises.realpath(target);
  } catch {
    throw new NotFoundError(`Path not found in volume: ${sub}`, 'path', sub);
  }
  if (real !== realRoot && !real.startsWith(`${realRoot}${path.sep}`))
    throw new InvalidArgumentError(`path: ${sub} leads outside the volume`);
  return real;
}

/** One page of a directory, sorted by name; `total` counts every entry. */
export async function listDirectory(root: string, sub: string, offset: number, limit: number) {
  const dir = await inside(root, sub);
  const st = await fs.promises.stat(dir);
  if (!st.isDirectory()) throw new InvalidArgumentError(`path: ${sub} is not a directory`);
  const entries = (await fs.promises.readdir(dir, { withFileTypes: true })).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  const shown = path.posix.normalize(`/${sub}`);
  const files: VolumeFile[] = [];
  for (const e of entries.slice(offset, offset + limit)) {
    const full = path.join(dir, e.name);
    const info = await fs.promises.lstat(full).catch(() => undefined);
    const isDir = e.isDirectory();
    files.push({
      name: e.name,
      path: path.posix.join(shown, e.name),
      type: isDir ? 'directory' : 'file',
      ...(info && !isDir ? { size: info.size } : {}),
      ...(info ? { modifiedAt: Math.round(info.mtimeMs) } : {}),
    });
  }
  return {
    files,
    path: shown,
    offset,
    limit,
    total: entries.length,
    hasMore: offset + files.length < entries.length,
  };
}

/** The directories below an absolute host path (Zerobyte's filesystem picker for directory volumes). */
export async function browseDirectories(p: string) {
  if (!path.isAbsolute(p)) throw new InvalidArgumentError('path: must be absolute');
  const dir = path.resolve(p);
  let entries: fs.Dirent[];
  try {
    entries = await fs.promises.readdir(dir, { withFileTypes: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new NotFoundError(`Directory not found: ${dir}`, 'path', dir);
    throw new InvalidArgumentError(`path: cannot read ${dir} (${code ?? 'error'})`);
  }
  const directories = entries
    .filter((e) => e.isDirectory())
    .map((e) => ({ name: e.name, path: path.join(dir, e.name) }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { directories, path: dir };
}
