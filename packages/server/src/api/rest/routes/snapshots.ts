// Snapshots of a repository (Zerobyte §3.3): list/get/files/dump, restore, delete, tag.
import { z } from 'zod';
import type { ZerobyteServices } from '../../../services/zerobyte/index.js';
import { route, type AnyRoute } from '../route.js';
import { Message, ShortIdParams, TaskStarted } from '../schemas/common.js';

const tag = 'Snapshots';
const SnapParams = ShortIdParams.extend({ snapshotId: z.string().min(1).max(64) });
const SnapshotIds = z.array(z.string().regex(/^[0-9a-f]{4,64}$/i, 'must be a snapshot id (hex)')).min(1);

export const SnapshotDto = z.object({
  id: z.string(),
  short_id: z.string(),
  time: z.number(),
  paths: z.array(z.string()),
  size: z.number(),
  duration: z.number(),
  tags: z.array(z.string()),
  retentionCategories: z.array(z.string()),
  summary: z.record(z.string(), z.unknown()),
  hostname: z.string().optional(),
});

const FileEntry = z.object({
  name: z.string(),
  type: z.string(),
  path: z.string(),
  uid: z.number().optional(),
  gid: z.number().optional(),
  size: z.number().optional(),
  mode: z.number().optional(),
  mtime: z.number().optional(),
  atime: z.number().optional(),
  ctime: z.number().optional(),
});

const SearchHit = FileEntry.extend({ snapshotIds: z.array(z.string()) });
const Change = FileEntry.extend({
  kind: z.enum(['added', 'removed', 'changed']),
  before: FileEntry.optional(),
});
const Page = {
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
};

const RestoreBody = z.object({
  snapshotId: z.string().regex(/^[0-9a-f]{4,64}$/i, 'must be a snapshot id (hex)'),
  include: z.array(z.string()).optional(),
  selectedItemKind: z.enum(['file', 'dir']).optional(),
  exclude: z.array(z.string()).optional(),
  excludeXattr: z.array(z.string()).optional(),
  delete: z.boolean().optional(),
  targetPath: z.string().min(1).optional(),
  targetAgentId: z.string().optional(),
  overwrite: z.enum(['always', 'if-changed', 'if-newer', 'never']).optional(),
});

export function snapshotRoutes(s: ZerobyteServices): AnyRoute[] {
  return [
    route({
      method: 'GET',
      url: '/repositories/:shortId/snapshots',
      operationId: 'listSnapshots',
      summary: 'List snapshots (optionally of one backup schedule)',
      tag,
      params: ShortIdParams,
      query: z.object({ backupId: z.string().optional() }),
      responses: { 200: { description: 'Snapshots, newest first', schema: z.array(SnapshotDto) } },
      handler: ({ params, query }) => s.snapshots.list(params.shortId, query.backupId),
    }),
    route({
      method: 'POST',
      url: '/repositories/:shortId/snapshots/refresh',
      operationId: 'refreshSnapshots',
      summary: 'Reload the snapshot list',
      tag,
      params: ShortIdParams,
      responses: {
        200: { description: 'Count', schema: z.object({ message: z.string(), count: z.number() }) },
      },
      handler: async ({ params }) => {
        const list = await s.snapshots.list(params.shortId, undefined, true);
        return { message: 'Snapshots refreshed', count: list.length };
      },
    }),
    route({
      method: 'GET',
      url: '/repositories/:shortId/snapshots/:snapshotId',
      operationId: 'getSnapshot',
      summary: 'Get one snapshot',
      tag,
      params: SnapParams,
      responses: { 200: { description: 'Snapshot', schema: SnapshotDto } },
      handler: ({ params }) => s.snapshots.get(params.shortId, params.snapshotId),
    }),
    route({
      method: 'GET',
      url: '/repositories/:shortId/snapshots/:snapshotId/files',
      operationId: 'listSnapshotFiles',
      summary: 'List one directory of a snapshot',
      tag,
      params: SnapParams,
      query: z.object({
        path: z.string().optional(),
        offset: z.coerce.number().int().min(0).default(0),
        limit: z.coerce.number().int().min(1).max(1000).default(500),
      }),
      responses: {
        200: {
          description: 'Directory entries',
          schema: z.object({
            snapshot: z.object({
              id: z.string(),
              short_id: z.string(),
              time: z.string(),
              hostname: z.string().optional(),
              paths: z.array(z.string()),
            }),
            files: z.array(FileEntry),
            offset: z.number(),
            limit: z.number(),
            total: z.number(),
            hasMore: z.boolean(),
          }),
        },
      },
      handler: async ({ params, query, reply }) => {
        const out = await s.snapshots.files(
          params.shortId,
          params.snapshotId,
          query.path,
          query.offset,
          query.limit,
        );
        reply.header('Cache-Control', 'max-age=300, stale-while-revalidate=600');
        return out;
      },
    }),
    route({
      method: 'GET',
      url: '/repositories/:shortId/snapshots/search',
      operationId: 'searchSnapshots',
      summary: 'Find files by name or glob across the indexed snapshots (Restora extension)',
      tag,
      params: ShortIdParams,
      // an unknown repository is a 404 before a missing pattern is a 400 (the REST convention for ids)
      exists: ({ shortId }) => s.repositories.resolve(shortId),
      query: z.object({
        pattern: z.string().min(1).max(1024),
        backupId: z.string().optional(),
        ignoreCase: z.enum(['true', 'false']).optional(),
        ...Page,
      }),
      responses: {
        200: {
          description:
            'Each matching file version with the snapshots holding it; snapshots not indexed yet are counted in pendingSnapshots',
          schema: z.object({
            hits: z.array(SearchHit),
            hasMore: z.boolean(),
            searchedSnapshots: z.number(),
            pendingSnapshots: z.number(),
          }),
        },
      },
      handler: ({ params, query }) =>
        s.snapshots.search(params.shortId, {
          pattern: query.pattern,
          offset: query.offset,
          limit: query.limit,
          ...(query.backupId ? { backupId: query.backupId } : {}),
          ...(query.ignoreCase === 'true' ? { ignoreCase: true } : {}),
        }),
    }),
    route({
      method: 'GET',
      url: '/repositories/:shortId/snapshots/:snapshotId/diff/:otherId',
      operationId: 'diffSnapshots',
      summary: 'Files added, removed and changed from one snapshot to another (Restora extension)',
      tag,
      params: SnapParams.extend({ otherId: z.string().min(1).max(64) }),
      query: z.object({ ...Page, limit: z.coerce.number().int().min(1).max(5000).default(500) }),
      responses: {
        200: {
          description: 'Changes ordered by path (503 while a snapshot is not indexed yet)',
          schema: z.object({
            changes: z.array(Change),
            offset: z.number(),
            limit: z.number(),
            total: z.number(),
            hasMore: z.boolean(),
          }),
        },
      },
      handler: ({ params, query }) =>
        s.snapshots.diff(params.shortId, params.snapshotId, params.otherId, query.offset, query.limit),
    }),
    route({
      method: 'GET',
      url: '/repositories/:shortId/snapshot-index',
      operationId: 'getSnapshotIndexStatus',
      summary:
        "The repository's snapshot index: indexed and pending snapshots, bytes on disk (Restora extension)",
      tag,
      params: ShortIdParams,
      responses: {
        200: {
          description: 'Index status',
          schema: z.object({
            indexedSnapshots: z.number(),
            pendingSnapshots: z.number(),
            sizeBytes: z.number(),
          }),
        },
      },
      handler: ({ params }) => s.snapshots.indexStatus(params.shortId),
    }),
    route({
      method: 'GET',
      url: '/repositories/:shortId/snapshots/:snapshotId/dump',
      operationId: 'dumpSnapshot',
      summary: 'Download a folder (tar) or a file (raw) from a snapshot',
      tag,
      params: SnapParams,
      query: z.object({ path: z.string().optional(), kind: z.enum(['file', 'dir']).optional() }),
      responses: {
        200: { description: 'tar archive or file bytes', contentType: 'application/octet-stream' },
      },
      handler: async ({ params, query, reply }) => {
        const d = await s.snapshots.dump(params.shortId, params.snapshotId, query.path, query.kind);
        const ascii = d.filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
        // the client went away mid-download: stop restic
        reply.raw.once('close', () => {
          if (!d.stream.readableEnded) d.stream.destroy();
        });
        return reply
          .header('Content-Type', d.contentType)
          .header(
            'Content-Disposition',
            `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(d.filename)}`,
          )
          .header('X-Content-Type-Options', 'nosniff')
          .send(d.stream);
      },
    }),
    route({
      method: 'POST',
      url: '/repositories/:shortId/restore',
      operationId: 'restoreSnapshot',
      summary: 'Restore a snapshot (or parts of it)',
      tag,
      params: ShortIdParams,
      body: RestoreBody,
      responses: {
        202: {
          description: 'Started',
          schema: z.object({ restoreId: z.string(), status: z.literal('started') }),
        },
      },
      handler: ({ params, body }) => s.snapshots.restore(params.shortId, body),
    }),
    route({
      method: 'DELETE',
      url: '/repositories/:shortId/snapshots/:snapshotId',
      operationId: 'deleteSnapshot',
      summary: 'Delete (forget) one snapshot',
      tag,
      params: SnapParams,
      responses: { 202: { description: 'Started', schema: TaskStarted } },
      handler: async ({ params }) => {
        const snap = await s.snapshots.get(params.shortId, params.snapshotId);
        return s.snapshots.deleteSnapshots(params.shortId, [snap.id]);
      },
    }),
    route({
      method: 'DELETE',
      url: '/repositories/:shortId/snapshots',
      operationId: 'deleteSnapshots',
      summary: 'Delete (forget) several snapshots',
      tag,
      params: ShortIdParams,
      body: z.object({ snapshotIds: SnapshotIds }),
      responses: { 202: { description: 'Started', schema: TaskStarted } },
      handler: ({ params, body }) => s.snapshots.deleteSnapshots(params.shortId, body.snapshotIds),
    }),
    route({
      method: 'POST',
      url: '/repositories/:shortId/snapshots/tag',
      operationId: 'tagSnapshots',
      summary: 'Add, remove or set snapshot tags',
      tag,
      params: ShortIdParams,
      body: z.object({
        snapshotIds: SnapshotIds,
        add: z.array(z.string().min(1)).optional(),
        remove: z.array(z.string().min(1)).optional(),
        set: z.array(z.string().min(1)).optional(),
      }),
      responses: {
        202: { description: 'Started', schema: TaskStarted },
        400: { description: 'Bad', schema: Message },
      },
      handler: ({ params, body }) => s.snapshots.tag(params.shortId, body),
    }),
  ];
}
