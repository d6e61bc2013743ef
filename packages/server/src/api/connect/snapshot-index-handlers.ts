// restora.v1.SnapshotIndex handlers: parse → one service call → map.
import { create } from '@bufbuild/protobuf';
import type { ServiceImpl } from '@connectrpc/connect';
import {
  IndexChangeKind,
  IndexDiffEntrySchema,
  IndexSearchHitSchema,
  RepoIndexStatusSchema,
  type SnapshotIndex,
} from '@restora/proto';
import { toLsEntry } from '../../services/snapshot-service.js';
import type { SnapshotIndexService } from '../../services/snapshot-index-service.js';

const KIND = {
  added: IndexChangeKind.ADDED,
  removed: IndexChangeKind.REMOVED,
  changed: IndexChangeKind.CHANGED,
} as const;

export function snapshotIndexHandlers(s: SnapshotIndexService): ServiceImpl<typeof SnapshotIndex> {
  return {
    search: (req) => {
      const r = s.search({
        repoId: req.repoId,
        pattern: req.pattern,
        ignoreCase: req.ignoreCase,
        offset: req.offset,
        limit: req.limit,
        ...(req.planId ? { planId: req.planId } : {}),
      });
      return {
        hits: r.hits.map((h) =>
          create(IndexSearchHitSchema, { entry: toLsEntry(h.node), snapshotIds: h.snapshotIds }),
        ),
        hasMore: r.hasMore,
        searchedSnapshots: r.searched,
        pendingSnapshots: r.pending,
      };
    },
    diff: (req) => {
      const r = s.diff({
        repoId: req.repoId,
        from: req.fromSnapshotId,
        to: req.toSnapshotId,
        offset: req.offset,
        limit: req.limit,
      });
      return {
        entries: r.items.map((d) =>
          create(IndexDiffEntrySchema, {
            kind: KIND[d.kind],
            entry: toLsEntry(d.node),
            ...(d.before ? { before: toLsEntry(d.before) } : {}),
          }),
        ),
        total: r.total,
        hasMore: r.hasMore,
      };
    },
    status: (req) => ({
      repos: s.status(req.repoId || undefined).map((x) =>
        create(RepoIndexStatusSchema, {
          repoId: x.repoId,
          indexedSnapshots: x.indexed,
          pendingSnapshots: x.pending,
          sizeBytes: BigInt(x.sizeBytes),
        }),
      ),
    }),
  };
}
