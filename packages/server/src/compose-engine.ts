// Composition root, engine part: builds the scheduler, the operation lifecycle and the planner and hands them to
// the Engine (app.ts and tests call composeEngine; nothing else constructs these).
import { Engine, type EngineOptions } from './engine.js';
import { OpLifecycle } from './scheduler/lifecycle.js';
import { Planner } from './scheduler/planner.js';
import { Scheduler } from './scheduler/scheduler.js';

export function composeEngine(opts: EngineOptions): Engine {
  return new Engine(opts, (self) => {
    const scheduler = new Scheduler({
      clock: self.clock,
      concurrency: opts.concurrency ?? 2,
      onError: (job, err) => self.log(`job ${job.id} failed unexpectedly: ${String(err)}`),
    });
    const lifecycle = new OpLifecycle({
      scheduler,
      oplog: opts.oplog,
      logs: opts.logs,
      clock: self.clock,
      config: () => opts.config.get(),
      resticFor: self.resticFor,
      ...(opts.hooks ? { hookOptions: opts.hooks } : {}),
      ...(opts.progressIntervalMs !== undefined ? { progressIntervalMs: opts.progressIntervalMs } : {}),
      ...(opts.timeouts ? { timeouts: opts.timeouts } : {}),
      ...(opts.stallTimeoutMs ? { stallTimeoutMs: opts.stallTimeoutMs } : {}),
      onFinished: (task, _op, jobId) => self.onFinished(task, jobId),
      backupHooks: self.backupHooks,
    });
    const planner = new Planner({
      lifecycle,
      scheduler,
      oplog: opts.oplog,
      clock: self.clock,
      config: () => opts.config.get(),
      timeZone: opts.timeZone,
    });
    return { scheduler, lifecycle, planner };
  });
}
