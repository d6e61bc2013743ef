import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Restic } from '@restora/restic';
import { afterEach, describe, expect, it } from 'vitest';
import { ResticJournal } from './restic-journal.js';

const dirs: string[] = [];
const journalFile = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'restora-journal-'));
  dirs.push(dir);
  return path.join(dir, 'restic-running.json');
};
const listed = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as string[];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('ResticJournal', () => {
  it('lists a repo while restic runs there, however many runs overlap', () => {
    const file = journalFile();
    const j = new ResticJournal(file);
    const a1 = j.begin('a');
    const a2 = j.begin('a');
    const b = j.begin('b');
    expect(listed(file)).toEqual(['a', 'b']);
    a1();
    a1();
    expect(listed(file)).toEqual(['a', 'b']);
    a2();
    b();
    expect(listed(file)).toEqual([]);
  });

  it('a new process reads what the dead one left and keeps it listed until settled', () => {
    const file = journalFile();
    new ResticJournal(file).begin('crashed');
    const next = new ResticJournal(file);
    expect(next.leftOver()).toEqual(['crashed']);
    next.begin('other')();
    expect(listed(file)).toEqual(['crashed']);
    next.settle('crashed');
    expect(listed(file)).toEqual([]);
    expect(new ResticJournal(path.join(path.dirname(file), 'missing.json')).leftOver()).toEqual([]);
  });

  it('tracks the calls of a Restic instance and of the instances with() makes', async () => {
    const file = journalFile();
    const j = new ResticJournal(file);
    const restic = j.track(
      'r',
      new Restic({ repository: '/nonexistent', password: 'x', binaryPath: '/bin/false' }),
    );
    const run = restic.with({ extraArgs: ['--no-lock'] }).unlock();
    expect(listed(file)).toEqual(['r']);
    await expect(run).rejects.toThrow();
    expect(listed(file)).toEqual([]);
    expect(restic.options.repository).toBe('/nonexistent');
  });
});
