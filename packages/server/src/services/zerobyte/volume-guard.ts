// Around every backup of a volume's schedule: the volume is mounted first (an unmounted share would back up its
// empty mount point), then the schedule's webhooks run.
import type { BackupHookContext, BackupHooks } from '../../tasks/backup-hooks.js';
import type { VolumeService } from './volumes.js';

export class VolumeGuard implements BackupHooks {
  constructor(
    private readonly volumes: VolumeService,
    private readonly volumeIdOf: (planId: string) => string | number | undefined,
    private readonly next: BackupHooks,
  ) {}

  async before(ctx: BackupHookContext, signal: AbortSignal): Promise<void> {
    const id = this.volumeIdOf(ctx.plan.id);
    if (id !== undefined) {
      const root = await this.volumes.ensureMounted(id);
      ctx.log(`volume mounted at ${root}`);
    }
    await this.next.before(ctx, signal);
  }

  after(ctx: Parameters<BackupHooks['after']>[0]): Promise<string | undefined> {
    return this.next.after(ctx);
  }
}
