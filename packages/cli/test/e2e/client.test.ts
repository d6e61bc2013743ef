// The client verbs of the BUILT `restora` binary against a real `restora serve` and real restic 0.14.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bin, cliRoot, PASS, startTestServer, USER, writeData, type TestServer } from './client-server.js';

const built = existsSync(join(cliRoot, 'dist/main.js'));

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

interface OpJson {
  id: string;
  status: string;
  operationCheck?: unknown;
}

describe.skipIf(!built)(
  'restora client verbs (skipped when dist/ is not built: npm test builds first)',
  () => {
    let server: TestServer;
    let env: NodeJS.ProcessEnv;
    const signedIn = { RESTORA_USER: USER, RESTORA_PASSWORD: PASS };
    const run = (args: string[], extra: NodeJS.ProcessEnv = signedIn, input?: string): Run => {
      const r = spawnSync(process.execPath, [bin, ...args], {
        encoding: 'utf8',
        timeout: 120_000,
        env: { ...env, ...extra },
        ...(input !== undefined ? { input } : {}),
      });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    };
    const start = (args: string[]) => {
      const child = spawn(process.execPath, [bin, ...args], { env: { ...env, ...signedIn } });
      const got = { stdout: '', stderr: '' };
      child.stdout.on('data', (d: Buffer) => (got.stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (got.stderr += d.toString()));
      const exit = new Promise<number | null>((r) => child.once('exit', r));
      return { child, got, exit };
    };

    beforeAll(async () => {
      server = await startTestServer();
      // no credentials from the environment: each call says how it signs in
      env = {
        ...process.env,
        RESTORA_SERVER: server.url,
        XDG_CONFIG_HOME: mkdtempSync(join(server.dir, 'home-')),
      };
      for (const k of ['RESTORA_USER', 'RESTORA_PASSWORD', 'RESTORA_TOKEN']) delete env[k];
    });
    afterAll(async () => server?.stop());

    it('refuses without credentials (exit 6, one line naming the cause); a bad password is a warn line', async () => {
      const r = run(['status'], {});
      expect(r.status).toBe(6);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(`not signed in to ${server.url}`);
      expect(run(['status'], { RESTORA_USER: USER, RESTORA_PASSWORD: 'wrong-pass' }).status).toBe(6);
      const refused = await server.waitForLine((l) => l.msg === 'sign-in refused');
      expect(refused).toMatchObject({ level: 40, user: USER, ip: '127.0.0.1' });
      expect(JSON.stringify(server.lines())).not.toContain('wrong-pass');
    });

    it('login keeps a token in a 0600 file that the next verbs use', () => {
      const r = run(['login', '--user', USER, '--password-stdin'], {}, `${PASS}\n`);
      expect([r.status, r.stderr]).toEqual([0, '']);
      const file = join(env.XDG_CONFIG_HOME ?? '', 'restora', 'cli-credentials.json');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(readFileSync(file, 'utf8')).not.toContain(PASS);
      const repos = run(['repos', '--json'], {});
      expect(repos.status).toBe(0);
      expect((JSON.parse(repos.stdout) as { id: string }[]).map((x) => x.id)).toEqual(['local']);
    });

    it('backup shows progress lines, ops --follow sees it run and end, the console has its start and end', async () => {
      const follow = start(['ops', '--follow', '--json', '--plan', 'docs']);
      await new Promise((r) => setTimeout(r, 1500)); // the stream is open before the backup starts
      const r = run(['backup', 'docs']);
      follow.child.kill('SIGINT');
      expect(await follow.exit).toBe(0);
      expect(follow.got.stderr).toBe('');
      expect(r.stderr).toMatch(/^backup docs: \d+% [\d.]+ \w*B\/[\d.]+ MiB, \d+\/\d+ files, .*\/s, ETA /m);
      const m =
        /backup of plan docs: success in \d+s, 2 files, [\d.]+ MiB added, snapshot ([0-9a-f]{8}) \(operation #(\d+)\)/.exec(
          r.stdout,
        );
      expect(m, r.stdout + r.stderr).not.toBeNull();
      expect(r.status).toBe(0);
      const ops = follow.got.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as OpJson);
      const mine = ops.filter((o) => o.id === m?.[2]).map((o) => o.status);
      expect(mine).toContain('STATUS_INPROGRESS');
      expect(mine.at(-1)).toBe('STATUS_SUCCESS');
      const end = await server.waitForLine((l) => l.op === m?.[2] && l.msg === 'backup finished');
      expect(end).toMatchObject({ level: 30, plan: 'docs', repo: 'local', files: 2, snapshot: m?.[1] });
      expect(end.bytesAdded).toBeGreaterThan(8_000_000);
      expect(
        server
          .lines()
          .filter((l) => l.op === m?.[2])
          .map((l) => l.msg),
      ).toEqual(['backup started', 'backup finished']);
      // per-request lines are debug: none at the default level
      expect(server.lines().some((l) => /request completed|incoming request/.test(String(l.msg)))).toBe(
        false,
      );
    });

    it('snapshots, ls and restore, parsed from --json, restore the file byte for byte', () => {
      const snaps = JSON.parse(run(['snapshots', '--plan', 'docs', '--json']).stdout) as { id: string }[];
      expect(snaps).toHaveLength(1);
      const ls = run(['ls', snaps[0]?.id.slice(0, 8) ?? '', join(server.src, 'docs'), '--json']);
      expect(ls.status).toBe(0);
      const names = (JSON.parse(ls.stdout) as { name: string }[]).map((e) => e.name);
      expect(names).toEqual(expect.arrayContaining(['big.bin', 'note.txt']));
      const target = join(server.dir, 'restored');
      const r = run(['restore', 'latest', join(server.src, 'docs'), '--target', target, '--json']);
      expect(r.status, r.stderr).toBe(0);
      expect((JSON.parse(r.stdout) as OpJson).status).toBe('STATUS_SUCCESS');
      const back = join(target, 'docs', 'big.bin');
      expect(readFileSync(back).equals(readFileSync(join(server.src, 'docs', 'big.bin')))).toBe(true);
    });

    it('names what is missing or wrong in one line, with distinct exit codes', () => {
      const cases: [string[], number, RegExp][] = [
        [['backup', 'nope'], 5, /^restora: no plan "nope" on http/],
        [['logs', '99999'], 5, /^restora: no operation #99999/],
        [['forget', 'local'], 2, /^restora: repo "local" has no forget policy/],
        [['backup'], 2, /missing required argument 'plan'/],
        [
          ['status', '--server', 'http://127.0.0.1:9'],
          7,
          /^restora: cannot reach the server at http:\/\/127\.0\.0\.1:9 /,
        ],
      ];
      for (const [args, code, msg] of cases) {
        const r = run(args);
        expect([args.join(' '), r.status]).toEqual([args.join(' '), code]);
        expect(r.stderr).toMatch(msg);
        expect(r.stderr.trim().split('\n')).toHaveLength(1); // no stack trace
      }
    });

    it('check runs to the end and logs prints its output; a cancelled backup exits 4', async () => {
      expect(run(['check', 'local']).stdout).toMatch(/^check of repo local: success/);
      const ops = JSON.parse(run(['ops', '--repo', 'local', '--json']).stdout) as OpJson[];
      const logs = run(['logs', ops.find((o) => o.operationCheck)?.id ?? '']);
      expect([logs.status, logs.stdout]).toEqual([0, expect.stringMatching(/no errors were found/)]);
      writeData(join(server.src, 'docs', 'big.bin'), 8); // ~4 s at the repo's upload limit
      const backup = start(['backup', 'docs']);
      let id = '';
      for (let i = 0; i < 50 && !id; i++) {
        const last = JSON.parse(run(['ops', '--plan', 'docs', '--last', '1', '--json']).stdout) as OpJson[];
        if (last[0]?.status === 'STATUS_INPROGRESS') id = last[0].id;
      }
      expect(run(['cancel', id]).status).toBe(0);
      expect(await backup.exit).toBe(4);
      expect(backup.got.stdout).toMatch(/backup of plan docs: cancelled/);
    });

    it('draws a progress bar on a terminal (util-linux script gives a pseudo-terminal)', () => {
      writeData(join(server.src, 'docs', 'big.bin'), 6); // ~3 s: several progress updates
      const cmd = `${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} backup docs`;
      const r = spawnSync('script', ['-qfec', cmd, '/dev/null'], {
        encoding: 'utf8',
        timeout: 120_000,
        env: { ...env, ...signedIn },
      });
      expect(r.status, r.stdout).toBe(0);
      expect(r.stdout).toMatch(
        /backup docs \[[\u2588\u2591]{24}\] \d+% \| [\d.]+ \w*B\/[\d.]+ MiB \| \d+\/\d+ files \| .*\/s \| ETA /,
      );
      expect(r.stdout).toMatch(/backup of plan docs: success/);
      expect(r.stdout).not.toMatch(/^backup docs: \d+%/m); // no plain lines on a terminal
    });

    it('config check names every bad field; version names what restic 0.14 lacks', () => {
      const bad = join(server.dir, 'bad.json');
      const repo = { id: 'nas', uri: 'sftp:bob@nas:/srv', password: 'p', autoInitialize: true };
      const config = {
        version: 6,
        instance: 'x',
        repos: [repo],
        plans: [{ id: 'p', repo: 'missing', paths: ['/'] }],
      };
      writeFileSync(bad, JSON.stringify({ ...config, repos: [{ ...repo, uri: '' }] }));
      const r = run(['config', 'check', bad], {});
      expect(r.status).toBe(2);
      expect(r.stdout).toMatch(/bad\.json: repos\[\S+\]\.uri: /);
      expect(r.stdout).toMatch(/bad\.json: plans\[\S+\]\.repo: /);
      // the running server sealed the repo password: checked opened with its key, named without it
      const live = join(server.dir, 'config', 'config.json');
      const noKey = { XDG_DATA_HOME: join(server.dir, 'nowhere') };
      expect(run(['config', 'check', live, '--data-dir', join(server.dir, 'data')], noKey).status).toBe(0);
      const sealed = run(['config', 'check', live], noKey);
      expect([sealed.status, sealed.stdout]).toEqual([2, expect.stringContaining('repos[0].password')]);
      const sftp = join(server.dir, 'sftp.json');
      writeFileSync(sftp, JSON.stringify({ ...config, plans: [] }));
      expect(run(['config', 'check', sftp], {}).status).toBe(0);
      const v = run(['version', '--json', '--config-file', sftp, '--restic-cmd', '/usr/bin/restic'], {});
      const info = JSON.parse(v.stdout) as { restic: string; missingResticFeatures: { feature: string }[] };
      expect(info.restic).toBe('0.14.0');
      expect(info.missingResticFeatures).toEqual([
        expect.objectContaining({ feature: 'sftp.args', usedBy: 'repo nas' }),
      ]);
    });
  },
);
