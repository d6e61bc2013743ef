// A folder of a snapshot as a download: restic 0.14 `dump` names a folder's tar entries by their absolute path in
// the snapshot, so the tar is renamed as it streams (entries `<folder>/...`) and a zip is made from the renamed tar.
import { pipeline, type Readable } from 'node:stream';
import { relativeEntryName, renameTarEntries } from './tar-names.js';
import { tarToZip } from './tar-to-zip.js';

/** `dumpTar`: restic's tar of `folder` (not `/`). Errors of any part end all: a client gone cancels restic. */
export function folderArchive(dumpTar: Readable, folder: string, archive: 'tar' | 'zip'): Readable {
  const renamed = renameTarEntries((n) => relativeEntryName(folder, n));
  return archive === 'zip'
    ? pipeline(dumpTar, renamed, tarToZip(), () => {})
    : pipeline(dumpTar, renamed, () => {});
}
