// /healthz (unauthenticated) and /metrics (authenticated by the guard).
import type { FastifyInstance } from 'fastify';
import type { MetricsService } from '../../services/metrics-service.js';

export function registerMiscRoutes(app: FastifyInstance, metrics: MetricsService): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/metrics', async (_req, reply) => {
    const { contentType, body } = await metrics.render();
    return reply.type(contentType).send(body);
  });
}
