// POST /api/v1/repositories/:shortId/exec (Zerobyte's dev panel, §3.3): an allow-listed restic command, streamed as
// SSE `output` {type, line}, then `done` {type, exitCode} or `error` {type, message}.
import { z } from 'zod';
import type { ZerobyteServices } from '../../../services/zerobyte/index.js';
import { mapError } from '../error-mapper.js';
import { route, type AnyRoute } from '../route.js';
import { ShortIdParams } from '../schemas/common.js';
import type { SseOpener } from '../sse-stream.js';

const ExecBody = z.object({
  command: z
    .string()
    .min(1)
    .describe('restic subcommand (snapshots, ls, find, stats, check, diff, list, cat, key, unlock, version)'),
  args: z.array(z.string()).optional().describe('its arguments, passed as argv (no shell)'),
});

export function repositoryExecRoutes(s: ZerobyteServices, sse: SseOpener): AnyRoute[] {
  return [
    route({
      method: 'POST',
      url: '/repositories/:shortId/exec',
      operationId: 'devPanelExec',
      summary:
        'Run an allow-listed restic command (dev panel: ENABLE_DEV_PANEL=true and a browser session; 403 otherwise)',
      tag: 'Repositories',
      auth: 'session',
      params: ShortIdParams,
      body: ExecBody,
      responses: {
        200: { description: 'text/event-stream: output, done, error', contentType: 'text/event-stream' },
      },
      handler: ({ params, body, reply }) => {
        const args = body.args ?? [];
        // refusals are plain 4xx answers, before any stream opens
        s.exec.check(params.shortId, body.command, args);
        const stop = new AbortController();
        return sse(reply, [], (send, finish) => {
          s.exec
            .run(
              params.shortId,
              body.command,
              args,
              (type, line) => send('output', { type, line }),
              stop.signal,
            )
            .then(
              (r) => send('done', { type: 'done', exitCode: r.exitCode }),
              (e: unknown) => send('error', { type: 'error', message: mapError(e).body.message }),
            )
            .finally(finish);
          return () => stop.abort();
        });
      },
    }),
  ];
}
