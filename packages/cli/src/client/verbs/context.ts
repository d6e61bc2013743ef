// What every client verb gets: the connection, the output mode, and lookups in the server's config.
import type { Config } from '@restora/proto';
import { connect, type Connection } from '../connection.js';
import { CliError, EXIT } from '../exit-codes.js';

export interface GlobalFlags {
  server?: string;
  json?: boolean;
}

export interface Ctx {
  c: Connection;
  json: boolean;
  config(): Promise<Config>;
}

export function context(flags: GlobalFlags): Ctx {
  const c = connect(flags.server);
  let cached: Promise<Config> | undefined;
  return { c, json: flags.json === true, config: () => (cached ??= c.backrest.getConfig({})) };
}

export async function findPlan(ctx: Ctx, id: string) {
  const plan = (await ctx.config()).plans.find((p) => p.id === id);
  if (!plan) throw new CliError(`no plan "${id}" on ${ctx.c.server} (see \`restora plans\`)`, EXIT.notFound);
  return plan;
}

export async function findRepo(ctx: Ctx, id: string) {
  const repo = (await ctx.config()).repos.find((r) => r.id === id);
  if (!repo) throw new CliError(`no repo "${id}" on ${ctx.c.server} (see \`restora repos\`)`, EXIT.notFound);
  return repo;
}
