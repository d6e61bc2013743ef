// The client verbs: each talks to a running server over its Connect API. Bodies load only when a verb runs,
// so `restora --help` and each verb's help stay fast.
import { Command } from 'commander';
import type { GlobalFlags } from '../client/verbs/context.js';
import type { RepoTaskName } from '../client/verbs/repo-tasks.js';
import { runVerb } from './run-verb.js';

type Flags = GlobalFlags & Record<string, unknown>;

function verb(name: string, description: string): Command {
  return new Command(name)
    .description(description)
    .option('--server <url>', 'server URL (default $RESTORA_SERVER or http://127.0.0.1:9898)')
    .option('--json', 'print JSON for scripts');
}

const ctx = async (f: Flags) => (await import('../client/verbs/context.js')).context(f);

function act(cmd: Command, body: (f: Flags, ...args: string[]) => Promise<number>): Command {
  return cmd.action(async (...all: unknown[]) => {
    const self = all[all.length - 1] as Command;
    const f = self.opts<Flags>();
    const args = self.args;
    await runVerb(f.server, () => body(f, ...args));
  });
}

const noWait = (c: Command) => c.option('--no-wait', 'return once the operation is queued, with its id');

export function clientCommands(): Command[] {
  const repoTask = (name: RepoTaskName, what: string) =>
    act(noWait(verb(name, what).argument('<repo>', 'repo id')), async (f, repo) => {
      const m = await import('../client/verbs/repo-tasks.js');
      return m.repoTask(await ctx(f), name, repo ?? '', { wait: f.wait !== false });
    });
  return [
    act(
      verb('login', 'sign in and keep a token (0600) for the other verbs')
        .option('--user <name>', 'user name (default $RESTORA_USER)')
        .option('--password-stdin', 'read the password from stdin (default: ask, or $RESTORA_PASSWORD)'),
      async (f) => (await import('../client/verbs/login.js')).login(f),
    ),
    act(verb('logout', 'forget the token kept for --server'), async (f) =>
      (await import('../client/verbs/login.js')).logout(f),
    ),
    act(verb('status', 'the server, its plans, and what is running'), async (f) =>
      (await import('../client/verbs/info.js')).status(await ctx(f)),
    ),
    act(verb('repos', 'list repositories'), async (f) =>
      (await import('../client/verbs/info.js')).repos(await ctx(f)),
    ),
    act(verb('plans', 'list backup plans'), async (f) =>
      (await import('../client/verbs/info.js')).plans(await ctx(f)),
    ),
    act(
      noWait(
        verb('backup', "run a plan's backup now and show its progress").argument('<plan>', 'plan id'),
      ).option('--dry-run', 'simulate: no snapshot is made'),
      async (f, plan) =>
        (await import('../client/verbs/backup.js')).backup(await ctx(f), plan ?? '', {
          wait: f.wait !== false,
          dryRun: f.dryRun === true,
        }),
    ),
    act(
      verb('snapshots', 'list snapshots (all repos, or one plan or repo)')
        .option('--plan <id>', "only this plan's snapshots")
        .option('--repo <id>', "only this repo's snapshots"),
      async (f) => (await import('../client/verbs/snapshots.js')).snapshots(await ctx(f), where(f)),
    ),
    act(
      verb('ls', 'list a folder of a snapshot')
        .argument('<snapshot>', 'snapshot id, unique prefix, or latest')
        .argument('[path]', 'folder in the snapshot', '/')
        .option('--plan <id>', "look in this plan's snapshots")
        .option('--repo <id>', 'look in this repo'),
      async (f, snap, path) =>
        (await import('../client/verbs/snapshots.js')).ls(await ctx(f), snap ?? '', path, where(f)),
    ),
    act(
      noWait(
        verb('restore', 'restore a snapshot (or a path in it) to a folder on the server')
          .argument('<snapshot>', 'snapshot id, unique prefix, or latest')
          .argument('[path]', 'path in the snapshot', '/')
          .requiredOption('--target <dir>', 'folder to restore into (must not exist yet)')
          .option('--plan <id>', "look in this plan's snapshots")
          .option('--repo <id>', 'look in this repo'),
      ),
      async (f, snap, path) =>
        (await import('../client/verbs/snapshots.js')).restore(await ctx(f), snap ?? '', path, {
          ...where(f),
          target: String(f.target),
          wait: f.wait !== false,
        }),
    ),
    repoTask('forget', "apply the repo's retention policy"),
    repoTask('prune', 'remove unreferenced data from a repo'),
    repoTask('check', "check a repo's integrity"),
    repoTask('stats', "a repo's size and snapshot count"),
    repoTask('unlock', 'remove stale locks from a repo'),
    act(
      verb('ops', 'operation history, or follow it live with --follow')
        .option('--plan <id>', "only this plan's operations")
        .option('--repo <id>', "only this repo's operations")
        .option('--last <n>', 'how many of the newest', '20')
        .option('-f, --follow', 'keep printing operations as they start and end (like tail -f)'),
      async (f) =>
        (await import('../client/verbs/ops.js')).ops(await ctx(f), {
          ...where(f),
          last: String(f.last),
          follow: f.follow === true,
        }),
    ),
    act(verb('logs', "print an operation's output").argument('<op>', 'operation id'), async (f, op) =>
      (await import('../client/verbs/ops.js')).logs(await ctx(f), op ?? ''),
    ),
    act(
      verb('cancel', 'cancel a running or queued operation').argument('<op>', 'operation id'),
      async (f, op) => (await import('../client/verbs/ops.js')).cancel(await ctx(f), op ?? ''),
    ),
  ];
}

function where(f: Flags): { plan?: string; repo?: string } {
  return {
    ...(typeof f.plan === 'string' ? { plan: f.plan } : {}),
    ...(typeof f.repo === 'string' ? { repo: f.repo } : {}),
  };
}
