// status, repos, plans: what the server has and how it is doing.
import { PlanSchema, RepoSchema, SummaryDashboardResponseSchema, isUnfinished } from '@restora/proto';
import { bytes, opLine, table, when } from '../format.js';
import { msgJson, print, printJson } from '../output.js';
import type { Ctx } from './context.js';

export async function status(ctx: Ctx): Promise<number> {
  // one call first: bad credentials fail once (one refused sign-in on the server's console), not three times
  const config = await ctx.config();
  const [dash, recent] = await Promise.all([
    ctx.c.backrest.getSummaryDashboard({}),
    ctx.c.backrest.getOperations({ selector: {}, lastN: 100n }),
  ]);
  const running = recent.operations.filter((op) => isUnfinished(op.status));
  if (ctx.json) {
    printJson({
      server: ctx.c.server,
      instance: config.instance,
      repos: config.repos.length,
      plans: config.plans.length,
      running: running.map((op) => op.id.toString()),
      dashboard: msgJson(SummaryDashboardResponseSchema, dash),
    });
    return 0;
  }
  print(`server ${ctx.c.server}, instance ${config.instance || '(none)'}, config ${dash.configPath}`);
  print(
    `${config.repos.length} repos, ${config.plans.length} plans, ${running.length} operations running or queued`,
  );
  const rows = dash.planSummaries.map((s) => [
    s.id,
    String(s.backupsSuccessLast30days),
    String(s.backupsFailed30days),
    bytes(s.bytesAddedLast30days),
    when(s.nextBackupTimeMs),
  ]);
  if (rows.length) print(`\n${table([['PLAN', 'OK(30d)', 'FAILED(30d)', 'ADDED(30d)', 'NEXT'], ...rows])}`);
  if (running.length) print(`\n${running.map(opLine).join('\n')}`);
  return 0;
}

export async function repos(ctx: Ctx): Promise<number> {
  const config = await ctx.config();
  if (ctx.json) printJson(config.repos.map((r) => msgJson(RepoSchema, r)));
  else if (config.repos.length === 0) print('no repos');
  else print(table([['ID', 'URI', 'GUID'], ...config.repos.map((r) => [r.id, r.uri, r.guid])]));
  return 0;
}

export async function plans(ctx: Ctx): Promise<number> {
  const config = await ctx.config();
  if (ctx.json) {
    printJson(config.plans.map((p) => msgJson(PlanSchema, p)));
    return 0;
  }
  if (config.plans.length === 0) print('no plans');
  else {
    const schedule = (s: (typeof config.plans)[number]['schedule']) =>
      !s?.schedule.case
        ? 'none'
        : s.schedule.case === 'disabled'
          ? 'disabled'
          : `${s.schedule.case} ${s.schedule.value}`;
    print(
      table([
        ['ID', 'REPO', 'SCHEDULE', 'PATHS'],
        ...config.plans.map((p) => [p.id, p.repo, schedule(p.schedule), p.paths.join(', ')]),
      ]),
    );
  }
  return 0;
}
