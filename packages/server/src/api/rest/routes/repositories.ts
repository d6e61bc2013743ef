// /api/v1/repositories (seed 002, Zerobyte §3.3): thin handlers over RepositoryService / DoctorService.
import { z } from 'zod';
import type { ZerobyteServices } from '../../../services/zerobyte/index.js';
import { route, type AnyRoute } from '../route.js';
import { Message, ShortIdParams } from '../schemas/common.js';
import {
  CreateRepositoryBody,
  CreatedRepository,
  DoctorStarted,
  RcloneRemote,
  Repository,
  RepositoryStats,
  UnlockResult,
  UpdateRepositoryBody,
} from '../schemas/repositories.js';

const tag = 'Repositories';

export function repositoryRoutes(s: ZerobyteServices): AnyRoute[] {
  return [
    route({
      method: 'GET',
      url: '/repositories',
      operationId: 'listRepositories',
      summary: 'List repositories',
      tag,
      responses: { 200: { description: 'Repositories', schema: z.array(Repository) } },
      handler: () => s.repositories.list(),
    }),
    route({
      method: 'POST',
      url: '/repositories',
      operationId: 'createRepository',
      summary: 'Create (initialise) or import a repository',
      tag,
      body: CreateRepositoryBody,
      responses: { 201: { description: 'Created', schema: CreatedRepository } },
      handler: async ({ body }) => {
        const r = await s.repositories.create(body);
        return { message: 'Repository created', repository: { id: r.id, shortId: r.shortId, name: r.name } };
      },
    }),
    route({
      method: 'GET',
      url: '/repositories/rclone-remotes',
      operationId: 'listRcloneRemotes',
      summary: 'List rclone remotes (`rclone listremotes --long`)',
      tag,
      responses: { 200: { description: 'Remotes', schema: z.array(RcloneRemote) } },
      handler: () => s.repositories.rcloneRemotes(),
    }),
    route({
      method: 'GET',
      url: '/repositories/:shortId',
      operationId: 'getRepository',
      summary: 'Get a repository',
      tag,
      params: ShortIdParams,
      responses: { 200: { description: 'Repository', schema: Repository } },
      handler: ({ params }) => s.repositories.get(params.shortId),
    }),
    route({
      method: 'PATCH',
      url: '/repositories/:shortId',
      operationId: 'updateRepository',
      summary: 'Update a repository (partial)',
      tag,
      params: ShortIdParams,
      body: UpdateRepositoryBody,
      responses: { 200: { description: 'Updated repository', schema: Repository } },
      handler: ({ params, body }) =>
        s.repositories.update(params.shortId, {
          ...(body.name !== undefined ? { name: body.name } : {}),
          ...(body.compressionMode !== undefined ? { compressionMode: body.compressionMode } : {}),
          ...(body.config !== undefined ? { config: body.config } : {}),
        }),
    }),
    route({
      method: 'DELETE',
      url: '/repositories/:shortId',
      operationId: 'deleteRepository',
      summary: 'Remove a repository from the configuration (its data is kept)',
      tag,
      params: ShortIdParams,
      responses: { 200: { description: 'Deleted', schema: Message } },
      handler: async ({ params }) => {
        await s.repositories.delete(params.shortId);
        return { message: 'Repository deleted' };
      },
    }),
    route({
      method: 'GET',
      url: '/repositories/:shortId/stats',
      operationId: 'getRepositoryStats',
      summary: 'Repository statistics (cached)',
      tag,
      params: ShortIdParams,
      responses: { 200: { description: 'restic stats', schema: RepositoryStats } },
      handler: ({ params }) => s.repositories.stats(params.shortId),
    }),
    route({
      method: 'POST',
      url: '/repositories/:shortId/stats/refresh',
      operationId: 'refreshRepositoryStats',
      summary: 'Recompute repository statistics',
      tag,
      params: ShortIdParams,
      responses: { 200: { description: 'restic stats', schema: RepositoryStats } },
      handler: ({ params }) => s.repositories.stats(params.shortId, true),
    }),
    route({
      method: 'POST',
      url: '/repositories/:shortId/unlock',
      operationId: 'unlockRepository',
      summary: 'Remove stale locks',
      tag,
      params: ShortIdParams,
      responses: { 200: { description: 'Unlocked', schema: UnlockResult } },
      handler: ({ params }) => s.repositories.unlock(params.shortId),
    }),
    route({
      method: 'POST',
      url: '/repositories/:shortId/doctor',
      operationId: 'startDoctor',
      summary: 'Start the doctor (unlock, check, repair index when needed)',
      tag,
      params: ShortIdParams,
      responses: { 202: { description: 'Started', schema: DoctorStarted } },
      handler: ({ params }) => s.doctor.start(params.shortId),
    }),
    route({
      method: 'DELETE',
      url: '/repositories/:shortId/doctor',
      operationId: 'cancelDoctor',
      summary: 'Cancel a running doctor',
      tag,
      params: ShortIdParams,
      responses: { 200: { description: 'Cancelling', schema: Message } },
      handler: ({ params }) => s.doctor.cancel(params.shortId),
    }),
  ];
}
