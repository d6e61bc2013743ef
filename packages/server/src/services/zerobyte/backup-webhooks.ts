// Zerobyte's pre/post backup webhooks (§5.5): POSTed around every backup of a schedule that has them.
import { sendHttp } from '../../hooks/handlers/http.js';
import type { BackupHookContext, BackupHooks, BackupOutcome } from '../../tasks/backup-hooks.js';
import { shortIdOf, uuidOf } from './ids.js';
import type { RepositoryService } from './repositories.js';
import type { ScheduleService } from './schedules.js';
import { headerRecord, webhookIssues, type BackupWebhook, type WebhookSettings } from './webhook-rules.js';

type Phase = 'pre' | 'post';

/** How messages name a webhook: never by URL or headers, which often carry a token. */
const LABEL: Record<Phase, string> = { pre: 'pre-backup webhook', post: 'post-backup webhook' };

/**
 * A failing `pre` fails the backup before restic starts and skips `post` (Zerobyte: pre hooks put apps into
 * maintenance mode, so a backup without it is unsafe); a failing `post` is returned as a problem, which turns
 * a good backup into a warning naming the webhook.
 */
export class ScheduleWebhooks implements BackupHooks {
  constructor(
    private readonly settings: WebhookSettings,
    private readonly schedules: ScheduleService,
    private readonly repos: RepositoryService,
  ) {}

  async before(ctx: BackupHookContext, signal: AbortSignal): Promise<void> {
    const target = this.schedules.webhookTarget(ctx.plan.id);
    const hook = target.webhooks?.pre;
    if (hook) await this.send('pre', hook, this.payload('pre', target.name, ctx), signal, ctx.log);
  }

  async after(
    ctx: BackupHookContext & { outcome: BackupOutcome; error?: string },
  ): Promise<string | undefined> {
    const target = this.schedules.webhookTarget(ctx.plan.id);
    const hook = target.webhooks?.post;
    if (!hook) return undefined;
    try {
      // a fresh signal, not the backup's: a cancelled backup still tells its post webhook (as Zerobyte does)
      await this.send(
        'post',
        hook,
        this.payload('post', target.name, ctx),
        new AbortController().signal,
        ctx.log,
      );
      return undefined;
    } catch (err) {
      return (err as Error).message;
    }
  }

  /** Zerobyte's payload (phase, event, jobId, scheduleId, sourcePath, status, error) plus names and times. */
  private payload(
    phase: Phase,
    scheduleName: string,
    ctx: BackupHookContext & { outcome?: BackupOutcome; error?: string },
  ) {
    const { plan, repo, op } = ctx;
    return {
      phase,
      event: `backup.${phase}`,
      jobId: String(op.id),
      scheduleId: shortIdOf('plan', plan.id),
      scheduleName,
      sourcePath: plan.paths[0] ?? '',
      sourcePaths: plan.paths,
      repositoryId: uuidOf('repo', repo.id),
      repositoryName: this.repos.toDto(repo).name,
      startedAt: Number(op.unixTimeStartMs),
      ...(phase === 'post'
        ? {
            status: ctx.outcome,
            finishedAt: Number(op.unixTimeEndMs) || Date.now(),
            ...(op.snapshotId ? { snapshotId: op.snapshotId } : {}),
            ...(ctx.error ? { error: ctx.error } : {}),
          }
        : {}),
    };
  }

  private async send(
    phase: Phase,
    hook: BackupWebhook,
    payload: object,
    signal: AbortSignal,
    log: (line: string) => void,
  ): Promise<void> {
    const label = LABEL[phase];
    // checked again at run time: the allow-list may have shrunk since the schedule was saved
    const issues = webhookIssues(hook, 'hook', this.settings);
    if (issues.length)
      throw new Error(
        `${label} refused: ${issues.map((i) => `${i.path.slice('hook.'.length)} ${i.message}`).join('; ')}`,
      );
    await sendHttp(
      {
        label,
        url: hook.url,
        method: 'POST',
        body: hook.body ?? JSON.stringify(payload),
        contentType: hook.body === undefined ? 'application/json' : null,
        headers: headerRecord(hook.headers),
        followRedirects: false,
        insecureTls: !!hook.insecureTls,
        quoteResponse: false,
      },
      { signal, timeoutMs: this.settings.timeoutMs, log },
    );
  }
}
