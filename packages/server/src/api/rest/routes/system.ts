// /api/v1/system (Zerobyte §3.7) and the global event stream /api/v1/events (§3.8).
import { z } from 'zod';
import type { ZerobyteServices } from '../../../services/zerobyte/index.js';
import { badRequest, unauthorized } from '../http-error.js';
import { requirePassword } from '../password-check.js';
import { route, type AnyRoute } from '../route.js';
import type { SseOpener } from '../sse-stream.js';
import type { AuthRouteDeps } from './auth.js';

const tag = 'System';
const REPOSITORY_BACKENDS = ['local', 's3', 'r2', 'gcs', 'azure', 'rest', 'sftp'];
const FINISHED = ['succeeded', 'failed', 'cancelled', 'stale'];

export interface SystemRouteDeps {
  checkPassword: AuthRouteDeps['checkPassword'];
  /** The instance-wide restic password (repositories without a customPassword). */
  resticPassword(): string;
  /** This server's version (GET /system/updates). */
  version: string;
  /** The restic version found at start (`restic version`), null when it could not be read. */
  resticVersion?: string | null;
}

export function systemRoutes(s: ZerobyteServices, d: SystemRouteDeps, sse: SseOpener): AnyRoute[] {
  return [
    route({
      method: 'GET',
      url: '/system/info',
      operationId: 'getSystemInfo',
      summary: 'Runtime and what this server can mount and store to',
      tag,
      responses: {
        200: {
          description: 'Info',
          schema: z.object({
            runtime: z.literal('server'),
            versions: z
              .object({ restora: z.string(), restic: z.string().nullable() })
              .describe("Restora extension: this server's version and the restic it runs"),
            capabilities: z.object({
              rclone: z.boolean(),
              sysAdmin: z.boolean(),
              volumeBackends: z.array(z.string()),
              repositoryBackends: z.array(z.string()),
            }),
          }),
        },
      },
      handler: () => {
        const c = s.volumes.capabilities();
        return {
          runtime: 'server',
          versions: { restora: d.version, restic: d.resticVersion ?? null },
          capabilities: {
            ...c,
            repositoryBackends: [...REPOSITORY_BACKENDS, ...(c.rclone ? ['rclone'] : [])],
          },
        };
      },
    }),
    route({
      method: 'GET',
      url: '/system/updates',
      operationId: 'getUpdates',
      summary:
        'The running version; Restora calls no outside service, so the latest version is unknown (latestVersion null, updateCheck "disabled")',
      tag,
      responses: {
        200: {
          description: 'Update information',
          schema: z.object({
            currentVersion: z.string(),
            latestVersion: z.string().nullable(),
            hasUpdate: z.boolean(),
            missedReleases: z.array(
              z.object({ version: z.string(), url: z.string(), publishedAt: z.string(), body: z.string() }),
            ),
            updateCheck: z.literal('disabled'),
            message: z.string(),
          }),
        },
      },
      // never Zerobyte's offline answer (latest = current, "up to date"): nothing was checked
      handler: () => ({
        currentVersion: d.version,
        latestVersion: null,
        hasUpdate: false,
        missedReleases: [],
        updateCheck: 'disabled',
        message:
          'Update checks are off: Restora makes no calls to GitHub or any outside service, so whether a newer release exists is unknown',
      }),
    }),
    route({
      method: 'GET',
      url: '/system/registration-status',
      operationId: 'getRegistrationStatus',
      summary: 'Sign-ups are never open: users come from the config',
      tag,
      responses: { 200: { description: 'Status', schema: z.object({ enabled: z.boolean() }) } },
      handler: () => ({ enabled: false }),
    }),
    route({
      method: 'PUT',
      url: '/system/registration-status',
      operationId: 'setRegistrationStatus',
      summary: 'Only `enabled: false` is accepted (no sign-up exists to open)',
      tag,
      body: z.object({ enabled: z.boolean() }),
      responses: { 200: { description: 'Status', schema: z.object({ enabled: z.boolean() }) } },
      handler: ({ body }) => {
        if (body.enabled)
          throw badRequest('enabled: Restora has no sign-up; add users to the config (auth.users) instead');
        return { enabled: false };
      },
    }),
    route({
      method: 'GET',
      url: '/system/password-login-status',
      operationId: 'getPasswordLoginStatus',
      summary: 'Password sign-in is always on (there is no SSO to replace it)',
      tag,
      responses: { 200: { description: 'Status', schema: z.object({ disabled: z.boolean() }) } },
      handler: () => ({ disabled: false }),
    }),
    route({
      method: 'PUT',
      url: '/system/password-login-status',
      operationId: 'setPasswordLoginStatus',
      summary: 'Only `disabled: false` is accepted',
      tag,
      body: z.object({ disabled: z.boolean() }),
      responses: { 200: { description: 'Status', schema: z.object({ disabled: z.boolean() }) } },
      handler: ({ body }) => {
        if (body.disabled)
          throw badRequest('disabled: password sign-in is the only sign-in; it cannot be disabled');
        return { disabled: false };
      },
    }),
    route({
      method: 'GET',
      url: '/system/dev-panel',
      operationId: 'getDevPanel',
      summary: 'Whether the restic exec panel is on (ENABLE_DEV_PANEL=true at start)',
      tag,
      responses: { 200: { description: 'Status', schema: z.object({ enabled: z.boolean() }) } },
      handler: () => ({ enabled: s.exec.enabled }),
    }),
    route({
      method: 'POST',
      url: '/system/restic-password',
      operationId: 'downloadResticPassword',
      summary: 'The instance restic password as restic.pass (browser session and password re-check)',
      tag,
      auth: 'session',
      body: z.object({ password: z.string().min(1) }),
      responses: { 200: { description: 'restic.pass', contentType: 'text/plain' } },
      handler: async ({ body, auth, req, reply }) => {
        const who = { username: auth.username, password: body.password, address: req.ip };
        await requirePassword(d.checkPassword, reply, who, () => unauthorized('Invalid password'));
        return reply
          .code(200)
          .header('Content-Type', 'text/plain; charset=utf-8')
          .header('Content-Disposition', 'attachment; filename="restic.pass"')
          .header('Cache-Control', 'no-store')
          .send(d.resticPassword());
      },
    }),
    route({
      method: 'GET',
      url: '/events',
      operationId: 'streamServerEvents',
      summary: 'Server-Sent Events: volume:*, notification:updated, task:history-changed, heartbeat',
      tag,
      responses: { 200: { description: 'text/event-stream', contentType: 'text/event-stream' } },
      handler: ({ reply }) =>
        sse(reply, [], (send) => {
          const offServer = s.events.subscribe((e) => send(e.name, e.data));
          const offTasks = s.tasks.onChange((t) => {
            if (FINISHED.includes(t.status))
              send('task:history-changed', { organizationId: 'default', previousOutcome: null, item: t });
          });
          return () => {
            offServer();
            offTasks();
          };
        }),
    }),
  ];
}
