// Client side of Restora's snapshot listing extension: the host asks for one folder of a snapshot of one of our
// repos; we answer when we granted it READ_CONFIG (or READ_WRITE_CONFIG) on that repo: that grant already shows
// the host the repo's URI and password, so a listing reveals nothing more. At most SNAPSHOT_LIST_LIMIT entries
// travel; total_entries says how many the folder has.
import type { LsEntry, RequestSnapshotFiles, SnapshotFiles } from '@restora/proto';
import { snapshotPath } from '../tasks/snapshot-path.js';
import { extensionItem } from './messages.js';
import { CAN_VIEW_CONFIG, type PermissionSet } from './permissions.js';
import type { SyncSession } from './session.js';

/** Entries of one folder sent to the host at most (the rest is counted in total_entries, never dropped silently). */
export const SNAPSHOT_LIST_LIMIT = 5_000;
/** A listing taking longer than this is abandoned (restic on a slow remote repo). */
const LIST_TIMEOUT_MS = 50_000;

export type SnapshotLister = (
  repoId: string,
  snapshotId: string,
  path: string,
  signal: AbortSignal,
) => Promise<LsEntry[]>;

const snapshotFilesItem = (files: Partial<Omit<SnapshotFiles, '$typeName'>>) =>
  extensionItem({ case: 'snapshotFiles', value: files });

export async function answerSnapshotFiles(
  d: { list: SnapshotLister | undefined; perms: PermissionSet; hostName: string },
  session: SyncSession,
  req: RequestSnapshotFiles,
): Promise<void> {
  const fail = (errorMessage: string) =>
    session.send(snapshotFilesItem({ requestId: req.requestId, path: req.path, errorMessage }));
  if (!d.list) return fail('this instance does not list snapshots over sync');
  if (!d.perms.forRepo(req.repoId, CAN_VIEW_CONFIG))
    return fail(
      `this client did not grant host ${d.hostName} READ_CONFIG on repo "${req.repoId}", which browsing its snapshots needs`,
    );
  let path: string;
  let entries: LsEntry[];
  try {
    path = snapshotPath('path', req.path);
    entries = await d.list(req.repoId, req.snapshotId, path, AbortSignal.timeout(LIST_TIMEOUT_MS));
  } catch (e) {
    return fail((e as Error).message);
  }
  session.send(
    snapshotFilesItem({
      requestId: req.requestId,
      path,
      entries: entries.slice(0, SNAPSHOT_LIST_LIMIT),
      totalEntries: BigInt(entries.length),
    }),
  );
}
