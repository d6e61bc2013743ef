// Secrets at rest with real restic 0.14: a backup works with a sealed password (after a restart) and with a
// `${file:}` reference; a missing referenced file fails the operation naming it; another key fails at start.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { clone } from '@bufbuild/protobuf';
import { ConfigSchema, OperationStatus } from '@restora/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/app.js';
import {
  basicHeader,
  clients,
  RESTIC,
  serve,
  workspace,
  writeUserConfig,
  type Workspace,
} from './api-helpers.js';

const execFileP = promisify(execFile);
const SEALED_PW = `sealed-e2e-${randomBytes(6).toString('hex')}`;
const FILE_PW = `file-e2e-${randomBytes(6).toString('hex')}`;
const ENV_SECRET = `env-e2e-${randomBytes(6).toString('hex')}`;

let ws: Workspace;
let server: RunningServer | undefined;

/** `restic init` outside the server; returns the repo id for the config's guid. */
async function initRepo(dir: string, password: string): Promise<string> {
  const env = { ...process.env, RESTIC_PASSWORD: password };
  await execFileP(RESTIC, ['-r', dir, 'init'], { env });
  const { stdout } = await execFileP(RESTIC, ['-r', dir, 'cat', 'config'], { env });
  return (JSON.parse(stdout) as { id: string }).id;
}

const start = async (secretKey?: { value: string }) => {
  server = await serve(ws, secretKey ? { secretKey } : {});
  return clients(server.url, { binary: false, authorization: basicHeader() }).backrest;
};

beforeAll(async () => {
  ws = workspace('secrets');
  writeFileSync(join(ws.src, 'a.txt'), 'alpha\n');
  const pwFile = join(ws.dir, 'creds', 'byfile-password');
  mkdirSync(join(ws.dir, 'creds'));
  writeFileSync(pwFile, `${FILE_PW}\n`, { mode: 0o600 });
  const sealedGuid = await initRepo(join(ws.dir, 'repo-sealed'), SEALED_PW);
  const fileGuid = await initRepo(join(ws.dir, 'repo-file'), FILE_PW);
  const manual = { disabled: true };
  await writeUserConfig(ws, {
    repos: [
      {
        id: 'sealed',
        uri: join(ws.dir, 'repo-sealed'),
        guid: sealedGuid,
        password: SEALED_PW,
        env: [`AWS_SECRET_ACCESS_KEY=${ENV_SECRET}`],
      },
      { id: 'byfile', uri: join(ws.dir, 'repo-file'), guid: fileGuid, password: `\${file:${pwFile}}` },
      {
        id: 'missing',
        uri: join(ws.dir, 'repo-file'),
        guid: fileGuid,
        password: `\${file:${join(ws.dir, 'creds', 'nope')}}`,
      },
    ],
    plans: [
      { id: 'p-sealed', repo: 'sealed', paths: [ws.src], schedule: manual },
      { id: 'p-file', repo: 'byfile', paths: [ws.src], schedule: manual },
      { id: 'p-missing', repo: 'missing', paths: [ws.src], schedule: manual },
    ],
  });
});

afterAll(async () => {
  await server?.close();
  ws?.cleanup();
});

describe('secrets at rest (real restic)', () => {
  it('loads the plaintext config, seals it on save, and backs up after a restart', async () => {
    let backrest = await start();
    const config = clone(ConfigSchema, await backrest.getConfig({}));
    // a file reference is not a secret: it stays visible to the client
    expect(config.repos.find((r) => r.id === 'byfile')?.password).toMatch(/^\$\{file:\/.*byfile-password\}$/);
    config.instance = 'e2e-host';
    await backrest.setConfig(config);
    const raw = readFileSync(ws.configFile);
    for (const s of [SEALED_PW, ENV_SECRET]) expect(raw.includes(s), s).toBe(false);
    expect(raw.toString()).toContain('${file:');
    expect(statSync(join(ws.dataDir, 'secret.key')).mode & 0o777).toBe(0o600);
    await server!.close();
    server = undefined;

    backrest = await start();
    await backrest.backup({ value: 'p-sealed' });
    await backrest.backup({ value: 'p-file' });
    const ops = (await backrest.getOperations({ selector: {} })).operations;
    const backups = ops.filter((o) => o.op.case === 'operationBackup');
    expect(backups.map((o) => [o.planId, o.status])).toEqual([
      ['p-sealed', OperationStatus.STATUS_SUCCESS],
      ['p-file', OperationStatus.STATUS_SUCCESS],
    ]);
    const { stdout } = await execFileP(RESTIC, ['-r', join(ws.dir, 'repo-file'), 'snapshots', '--json'], {
      env: { ...process.env, RESTIC_PASSWORD: FILE_PW },
    });
    expect(JSON.parse(stdout)).toHaveLength(1);
  });

  it('fails an operation whose referenced file is missing, naming the reference', async () => {
    const backrest = clients(server!.url, { binary: false, authorization: basicHeader() }).backrest;
    await expect(backrest.backup({ value: 'p-missing' })).rejects.toThrow(
      /repo "missing" password: cannot read \$\{file:\/.*\/creds\/nope\}: no such file/,
    );
    const [op] = (await backrest.getOperations({ selector: { planId: 'p-missing' } })).operations;
    expect(op?.status).toBe(OperationStatus.STATUS_ERROR);
    expect(op?.displayMessage).toContain('/creds/nope}: no such file');
    await server!.close();
    server = undefined;
  });

  it('refuses to start with another key, naming every field it cannot open', async () => {
    const other = randomBytes(32).toString('base64');
    const err = await serve(ws, { secretKey: { value: other } }).then(
      (s) => {
        server = s;
        return undefined;
      },
      (e: Error) => e,
    );
    expect(err?.message).toMatch(
      /repos\[\d\]\.password \(repo "sealed"\): sealed with key [0-9a-f]{8}, which is not/,
    );
    expect(err?.message).toContain('AWS_SECRET_ACCESS_KEY (repo "sealed")');
    expect(err?.message).toContain('RESTORA_SECRET_KEY');
    expect(err?.message).not.toContain(SEALED_PW);
  });
});
