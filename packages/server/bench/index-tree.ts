// The benchmark's file tree: N files, 45 to a folder, 10 folders to a parent (100k files: ~2,470 folders), written
// to disk for restic, and as synthetic `restic ls` node streams for the 30-day series (1 % of files change a day).
import fs from 'node:fs';
import path from 'node:path';
import type { LsNode } from '@restora/restic';

export const PER_DIR = 45;

export interface FileVersion {
  dir: string;
  name: string;
  size: number;
  mtime: string;
}

/** Leaf folder i as `/tN/mN/lN` relative to a root. */
function leafDir(i: number): string {
  return `/t${Math.floor(i / 100)}/m${Math.floor(i / 10) % 10}/l${i % 10}`;
}

export function treeFiles(total: number, day0 = Date.UTC(2026, 0, 1)): FileVersion[] {
  const files: FileVersion[] = [];
  for (let i = 0; i < total; i++) {
    files.push({
      dir: leafDir(Math.floor(i / PER_DIR)),
      name: `file-${i}.${['txt', 'jpg', 'pdf', 'log', 'dat'][i % 5]}`,
      size: 100 + (i % 977),
      mtime: new Date(day0 + (i % 86_400) * 1000).toISOString(),
    });
  }
  return files;
}

/** Writes the tree under `root` (sizes as given, small files). */
export function writeTree(root: string, files: readonly FileVersion[]): void {
  let made = '';
  for (const f of files) {
    const dir = path.join(root, f.dir);
    if (dir !== made) fs.mkdirSync(dir, { recursive: true });
    made = dir;
    fs.writeFileSync(path.join(dir, f.name), Buffer.alloc(f.size, f.name.length));
  }
}

/** Changes `share` of the files (new size and mtime), deterministic per day. */
export function changeFiles(files: FileVersion[], share: number, day: number): void {
  const n = Math.round(files.length * share);
  let x = day * 2_654_435_761;
  for (let k = 0; k < n; k++) {
    x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
    const f = files[x % files.length]!;
    f.size += 1;
    f.mtime = new Date(Date.UTC(2026, 0, 1) + day * 86_400_000 + k).toISOString();
  }
}

/** The nodes `restic ls` would print for the tree under `root`: depth-first, names sorted. */
export async function* lsNodes(root: string, files: readonly FileVersion[]): AsyncGenerator<LsNode> {
  const dirMtime = '2026-01-01T00:00:00Z';
  const byDir = new Map<string, FileVersion[]>();
  for (const f of files) {
    const list = byDir.get(f.dir);
    if (list) list.push(f);
    else byDir.set(f.dir, [f]);
  }
  const children = new Map<string, Set<string>>();
  for (const d of byDir.keys()) {
    const parts = (root + d).split('/').filter(Boolean);
    for (let i = 0; i < parts.length; i++) {
      const parent = '/' + parts.slice(0, i).join('/');
      let set = children.get(parent);
      if (!set) children.set(parent, (set = new Set()));
      set.add(parts[i]!);
    }
  }
  function* walk(dir: string): Generator<LsNode> {
    const rel = dir.slice(root.length);
    const names = [...(children.get(dir) ?? [])].map((n) => ({ n, dir: true }));
    for (const f of byDir.get(rel) ?? []) names.push({ n: f.name, dir: false });
    names.sort((a, b) => (a.n < b.n ? -1 : a.n > b.n ? 1 : 0));
    const files = new Map((byDir.get(rel) ?? []).map((f) => [f.name, f]));
    for (const { n, dir: isDir } of names) {
      const p = dir === '/' ? `/${n}` : `${dir}/${n}`;
      if (isDir) {
        yield { name: n, type: 'dir', path: p, mode: 2147484141, mtime: dirMtime };
        yield* walk(p);
      } else {
        const f = files.get(n)!;
        yield { name: n, type: 'file', path: p, size: f.size, mode: 420, mtime: f.mtime };
      }
    }
  }
  yield* walk('/');
}
