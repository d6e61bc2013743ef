// /healthz (open) and /metrics (a signed-in user, as in Backrest).
import type { FastifyInstance } from 'fastify';
import { routeAuth } from '../../auth/route-access.js';
import type { MetricsService } from '../../services/metrics-service.js';

export function registerMiscRoutes(app: FastifyInstance, metrics: MetricsService): void {
  app.get('/healthz', { config: routeAuth('open') }, async () => ({ status: 'ok' }));
  app.get('/metrics', { config: routeAuth('user') }, async (_req, reply) => {
    const { contentType, body } = await metrics.render();
    return reply.type(contentType).send(body);
  });
}
