// A shared repo (pushed by a host) is read-only for a person on the client: the edit is refused naming the origin.
import { create } from '@bufbuild/protobuf';
import { ConfigSchema, RepoSchema } from '@restora/proto';
import { describe, expect, it } from 'vitest';
import { assertRepoEditable, assertSharedReposUnchanged } from './shared-repos.js';

const shared = create(RepoSchema, {
  id: 'nas',
  uri: '/nas',
  guid: 'g1',
  env: ['A=1', 'B=2'],
  originInstanceId: 'host-a',
});
const own = create(RepoSchema, { id: 'local', uri: '/local', guid: 'g2' });
const stored = create(ConfigSchema, { instance: 'laptop', repos: [shared, own] });

describe('shared repos are read-only', () => {
  it('refuses a changed shared repo, allows it unchanged (env order aside) or removed', () => {
    const edited = create(ConfigSchema, { repos: [{ ...shared, uri: '/elsewhere' }, own] });
    expect(() => assertSharedReposUnchanged(stored, edited)).toThrow(
      'repo "nas" is shared by instance "host-a" and is read-only here; change it on "host-a"',
    );
    const unshared = create(ConfigSchema, { repos: [{ ...shared, originInstanceId: '' }, own] });
    expect(() => assertSharedReposUnchanged(stored, unshared)).toThrow(/read-only/);
    const reordered = create(ConfigSchema, { repos: [{ ...shared, env: ['B=2', 'A=1'] }, own] });
    expect(() => assertSharedReposUnchanged(stored, reordered)).not.toThrow();
    expect(() => assertSharedReposUnchanged(stored, create(ConfigSchema, { repos: [own] }))).not.toThrow();
  });

  it('refuses a person marking a repo as shared, through SetConfig or AddRepo', () => {
    const claimed = create(ConfigSchema, { repos: [shared, { ...own, originInstanceId: 'host-a' }] });
    expect(() => assertSharedReposUnchanged(stored, claimed)).toThrow(
      /"local": originInstanceId is set only by/,
    );
    expect(() => assertRepoEditable(stored, create(RepoSchema, { id: 'nas', uri: '/x' }))).toThrow(
      /read-only/,
    );
    expect(() =>
      assertRepoEditable(stored, create(RepoSchema, { id: 'new', uri: '/n', originInstanceId: 'x' })),
    ).toThrow(/set only by multihost sync/);
    expect(() => assertRepoEditable(stored, create(RepoSchema, { id: 'local', uri: '/l2' }))).not.toThrow();
  });
});
