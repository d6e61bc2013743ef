// Doctor (§4.4): unlock, check, and repair index only when check asks for it; cancellable; result kept on the repo.
import { atLeast } from '@restora/restic';
import { NotFoundError } from '../../errors.js';
import { resticOf, type ZbContext } from './context.js';
import { shortIdOf, uuidOf } from './ids.js';
import type { RepositoryService } from './repositories.js';
import { INTERRUPTED_MESSAGE } from './task-dto.js';
import type { TaskCenter } from './tasks.js';

interface Step {
  step: string;
  success: boolean;
  output: string | null;
  error: string | null;
}

export class DoctorService {
  constructor(
    private readonly ctx: ZbContext,
    private readonly repos: RepositoryService,
    private readonly tasks: TaskCenter,
  ) {
    // A doctor cut short by a crash left its repository marked `doctor`; none runs at start (its task is stale).
    for (const repo of ctx.config.get().repos)
      if (repos.toDto(repo).status === 'doctor')
        repos.patchMeta(repo.id, { status: 'cancelled', lastError: INTERRUPTED_MESSAGE });
  }

  start(ref: string) {
    const repo = this.repos.resolve(ref);
    const shortId = shortIdOf('repo', repo.id);
    const restic = resticOf(this.ctx, repo);
    const steps: Step[] = [];
    const t = this.tasks.submit({
      kind: 'doctor',
      resourceType: 'repository',
      resourceId: shortId,
      repoId: repo.id,
      input: {},
      command: 'restic unlock && restic check (then restic repair index when check asks for it)',
      run: async (rt) => {
        this.repos.patchMeta(repo.id, { status: 'doctor' });
        const step = async (name: string, fn: () => Promise<string>) => {
          rt.progress({ step: name, completedSteps: steps.length });
          try {
            steps.push({ step: name, success: true, output: (await fn()).slice(-4000), error: null });
          } catch (err) {
            steps.push({ step: name, success: false, output: null, error: (err as Error).message });
            if (rt.signal.aborted) throw err;
          }
        };
        await step('unlock', async () => {
          await restic.unlock({ signal: rt.signal });
          return 'stale locks removed';
        });
        let suggestRepair = false;
        await step('check', async () => {
          const r = await restic.check({ signal: rt.signal });
          suggestRepair = r.suggestRepairIndex === true || /repair index|rebuild-index/.test(r.output);
          if (!r.ok) throw new Error(`check found errors: ${r.errors.slice(0, 5).join('; ')}`);
          return r.output;
        });
        if (suggestRepair) {
          await step('repair_index', async () => {
            const v = (await restic.version({ signal: rt.signal })).resticVersion;
            const r = await restic.run(atLeast(v, '0.16.0') ? ['repair', 'index'] : ['rebuild-index'], {
              signal: rt.signal,
            });
            return r.stdout;
          });
        }
        const success = steps.every((s) => s.success || s.step === 'check');
        const healthy = steps.every((s) => s.success);
        return { success, steps, healthy };
      },
      onDone: (final) => {
        // cut short by the user or by a shutdown (stale): the repository was not found unhealthy
        const cancelled = final.status === 'cancelled' || final.status === 'stale';
        const healthy = final.status === 'succeeded' && steps.every((s) => s.success);
        this.repos.patchMeta(repo.id, {
          status: cancelled ? 'cancelled' : healthy ? 'healthy' : 'error',
          lastChecked: this.ctx.now(),
          lastError: healthy ? null : (final.error ?? steps.find((s) => !s.success)?.error ?? null),
          doctorResult: { success: healthy, steps, completedAt: this.ctx.now() },
        });
      },
    });
    return {
      taskId: t.id,
      status: 'started' as const,
      message: 'Doctor operation started',
      repositoryId: uuidOf('repo', repo.id),
    };
  }

  cancel(ref: string): { message: string } {
    const repo = this.repos.resolve(ref);
    const t = this.tasks.findActive('doctor', shortIdOf('repo', repo.id));
    if (!t) throw new NotFoundError('No doctor operation is running for this repository', 'doctor', ref);
    this.tasks.cancel(t.id);
    return { message: 'Doctor operation cancelled' };
  }
}
