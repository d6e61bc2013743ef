// URL path rules of rest-server (mux.go splitURLPath, repo.go object regex): anything else is 404.
export const MAX_FOLDER_DEPTH = 2;

export const OBJECT_TYPES = ['data', 'index', 'keys', 'locks', 'snapshots'] as const;
export type ObjectType = (typeof OBJECT_TYPES)[number];

const RESERVED = new Set<string>([...OBJECT_TYPES, 'config']);

export interface SplitPath {
  folders: string[];
  remainder: string;
}

/** Splits a decoded URL path into repository folders and the remainder, exactly like rest-server. */
export function splitUrlPath(urlPath: string, maxDepth = MAX_FOLDER_DEPTH): SplitPath {
  if (!urlPath.startsWith('/')) return { folders: [], remainder: urlPath };
  const parts = splitN(urlPath, '/', maxDepth + 2);
  const folders: string[] = [];
  for (let i = 1; i < parts.length - 1; i++) {
    const name = parts[i] as string;
    if (RESERVED.has(name)) break;
    folders.push(name);
  }
  if (folders.length === 0) return { folders, remainder: urlPath };
  const full = '/' + folders.join('/');
  return { folders, remainder: urlPath.slice(full.length) };
}

function splitN(s: string, sep: string, n: number): string[] {
  const out: string[] = [];
  let start = 0;
  while (out.length < n - 1) {
    const i = s.indexOf(sep, start);
    if (i < 0) break;
    out.push(s.slice(start, i));
    start = i + sep.length;
  }
  out.push(s.slice(start));
  return out;
}

/** A folder name is valid when it cannot address anything outside its parent directory. */
export function isValidFolder(name: string): boolean {
  return (
    name !== '' &&
    name !== '.' &&
    name !== '..' &&
    !name.includes('\0') &&
    !name.includes('/') &&
    !name.includes('\\')
  );
}

export function foldersValid(folders: readonly string[]): boolean {
  for (const f of folders) if (!isValidFolder(f)) return false;
  return true;
}

export type Remainder =
  | { kind: 'repo' }
  | { kind: 'config' }
  | { kind: 'list'; type: ObjectType }
  | { kind: 'object'; type: ObjectType; name: string };

const OBJECT_RE = /^\/(data|index|keys|locks|snapshots)\/([0-9a-f]{64})?$/;

/** Classifies the remainder after the repository path; undefined means 404. */
export function parseRemainder(remainder: string): Remainder | undefined {
  if (remainder === '/') return { kind: 'repo' };
  if (remainder === '/config') return { kind: 'config' };
  const m = OBJECT_RE.exec(remainder);
  if (!m) return undefined;
  const type = m[1] as ObjectType;
  return m[2] === undefined ? { kind: 'list', type } : { kind: 'object', type, name: m[2] };
}

/** Decodes a raw request target into path and query; undefined when the encoding is invalid. */
export function decodeTarget(target: string): { path: string; query: string } | undefined {
  const q = target.indexOf('?');
  let path = q < 0 ? target : target.slice(0, q);
  const query = q < 0 ? '' : target.slice(q + 1);
  if (path.includes('%')) {
    try {
      path = decodeURIComponent(path);
    } catch {
      return undefined;
    }
  }
  return { path, query };
}
