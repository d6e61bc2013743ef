// A volume-backed schedule's include/exclude entries are relative to the volume root, as in Zerobyte's agent
// (processPattern): "/sub" and "sub" both mean <root>/sub; an entry leading outside the root is refused.
import path from 'node:path';
import { ValidationError } from '../../errors.js';

/** One entry as the plan stores it (absolute); `relative` entries of excludes (no leading "/") stay patterns. */
export function intoVolume(entry: string, root: string, field: string, anchorRelative = true): string {
  const negated = entry.startsWith('!');
  const p = negated ? entry.slice(1) : entry;
  if (!p.startsWith('/') && !anchorRelative) return entry;
  const rel = path.posix.normalize(p.replace(/^\/+/, '') || '.');
  if (rel === '..' || rel.startsWith('../'))
    throw new ValidationError([{ path: field, message: `${entry} leads outside the volume` }]);
  const out = rel === '.' ? root : path.posix.join(root, rel);
  return negated ? `!${out}` : out;
}

/** The entry as the client sent it: relative to the volume root again. */
export function outOfVolume(stored: string, root: string): string {
  const negated = stored.startsWith('!');
  const p = negated ? stored.slice(1) : stored;
  const rel = p === root ? '/' : p.startsWith(`${root}/`) ? p.slice(root.length) : undefined;
  if (rel === undefined) return stored;
  return negated ? `!${rel}` : rel;
}
