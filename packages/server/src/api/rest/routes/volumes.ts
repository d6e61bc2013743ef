// /api/v1/volumes (Zerobyte §3.4): thin handlers over VolumeService.
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { ZerobyteServices } from '../../../services/zerobyte/index.js';
import { route, type AnyRoute } from '../route.js';
import { Message, ShortIdParams } from '../schemas/common.js';
import {
  BrowseResult,
  CreateVolumeBody,
  FilesQuery,
  OperationResult,
  TestConnectionBody,
  TestConnectionResult,
  UpdateVolumeBody,
  Volume,
  VolumeDetails,
  VolumeFiles,
  VolumeWithPath,
} from '../schemas/volumes.js';

const tag = 'Volumes';

export function volumeRoutes(s: ZerobyteServices): AnyRoute[] {
  // Zerobyte: a mount/unmount error is a 500 carrying the same body
  const result = (out: { status: string; error?: string }, reply: FastifyReply) =>
    out.error ? reply.code(500).send(out) : out;
  return [
    route({
      method: 'GET',
      url: '/volumes',
      operationId: 'listVolumes',
      summary: 'List volumes',
      tag,
      responses: { 200: { description: 'Volumes', schema: z.array(Volume) } },
      handler: () => s.volumes.list(),
    }),
    route({
      method: 'POST',
      url: '/volumes',
      operationId: 'createVolume',
      summary: 'Create a volume and mount it (a failed mount shows as status "error" with lastError)',
      tag,
      body: CreateVolumeBody,
      responses: { 201: { description: 'Created', schema: VolumeWithPath } },
      handler: ({ body }) => s.volumes.create(body),
    }),
    route({
      method: 'POST',
      url: '/volumes/test-connection',
      operationId: 'testConnection',
      summary: 'Mount a volume config at a throwaway point and list it',
      tag,
      body: TestConnectionBody,
      responses: { 200: { description: 'Result', schema: TestConnectionResult } },
      handler: ({ body }) => s.volumes.testConnection(body.config),
    }),
    route({
      method: 'GET',
      url: '/volumes/filesystem/browse',
      operationId: 'browseFilesystem',
      summary: 'Directories below a path of the server (picker for directory volumes)',
      tag,
      query: z.object({ path: z.string().optional() }),
      responses: { 200: { description: 'Directories', schema: BrowseResult } },
      handler: ({ query }) => s.volumes.browse(query.path),
    }),
    route({
      method: 'GET',
      url: '/volumes/:shortId',
      operationId: 'getVolume',
      summary: 'Get a volume and its file system usage',
      tag,
      params: ShortIdParams,
      responses: { 200: { description: 'Volume', schema: VolumeDetails } },
      handler: ({ params }) => s.volumes.get(params.shortId),
    }),
    route({
      method: 'PUT',
      url: '/volumes/:shortId',
      operationId: 'updateVolume',
      summary: 'Update a volume (a changed config is unmounted and mounted again)',
      tag,
      params: ShortIdParams,
      body: UpdateVolumeBody,
      responses: { 200: { description: 'Volume', schema: VolumeWithPath } },
      handler: ({ params, body }) => s.volumes.update(params.shortId, body),
    }),
    route({
      method: 'DELETE',
      url: '/volumes/:shortId',
      operationId: 'deleteVolume',
      summary: 'Unmount and delete a volume (409 while a schedule uses it)',
      tag,
      params: ShortIdParams,
      responses: { 200: { description: 'Deleted', schema: Message } },
      handler: async ({ params }) => {
        await s.volumes.delete(params.shortId);
        return { message: 'Volume deleted' };
      },
    }),
    ...(['mount', 'unmount'] as const).map((op) =>
      route({
        method: 'POST',
        url: `/volumes/:shortId/${op}`,
        operationId: `${op}Volume`,
        summary: op === 'mount' ? 'Mount a volume' : 'Unmount a volume',
        tag,
        params: ShortIdParams,
        responses: {
          200: { description: op === 'mount' ? 'Mounted' : 'Unmounted', schema: OperationResult },
          500: { description: 'Failed', schema: OperationResult },
        },
        handler: async ({ params, reply }) => result(await s.volumes[op](params.shortId), reply),
      }),
    ),
    route({
      method: 'POST',
      url: '/volumes/:shortId/health-check',
      operationId: 'healthCheckVolume',
      summary: 'Check that a volume is mounted and answers',
      tag,
      params: ShortIdParams,
      responses: { 200: { description: 'Status', schema: OperationResult } },
      handler: ({ params }) => s.volumes.healthCheck(params.shortId),
    }),
    route({
      method: 'GET',
      url: '/volumes/:shortId/files',
      operationId: 'listFiles',
      summary: 'List a directory of a mounted volume (paged: offset, limit 1-1000)',
      tag,
      params: ShortIdParams,
      query: FilesQuery,
      responses: { 200: { description: 'Files', schema: VolumeFiles } },
      handler: async ({ params, query, reply }) => {
        const out = await s.volumes.listFiles(params.shortId, query.path, query.offset, query.limit);
        void reply.header('Cache-Control', 'public, max-age=10, stale-while-revalidate=60');
        return out;
      },
    }),
  ];
}
