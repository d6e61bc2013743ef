import { create, fromJson, fromJsonString, toBinary, toJson, toJsonString } from '@bufbuild/protobuf';
import { EmptySchema } from '@bufbuild/protobuf/wkt';
import { describe, expect, it } from 'vitest';
import {
  BackupRequestSchema,
  BytesValueSchema,
  ClearHistoryRequestSchema,
  DoRepoTaskRequest_Task,
  DoRepoTaskRequestSchema,
  GeneratePairingTokenRequestSchema,
  GetOperationsRequestSchema,
  LoginRequestSchema,
  OpSelectorSchema,
  SignedMessageSchema,
  StringListSchema,
  StringValueSchema,
} from './index.js';

describe('request bodies of the documented curl examples', () => {
  it('Backup takes {"value": planId} (backrest-api.md §2)', () => {
    const req = fromJsonString(BackupRequestSchema, '{"value":"PLAN_ID"}');
    expect(req.value).toBe('PLAN_ID');
    expect(req.dryRun).toBe(false);
    expect(toJson(BackupRequestSchema, create(BackupRequestSchema, { value: 'p', dryRun: true }))).toEqual({
      value: 'p',
      dryRun: true,
    });
  });

  it('GetOperations distinguishes {} from {"selector":{}}', () => {
    expect(fromJsonString(GetOperationsRequestSchema, '{}').selector).toBeUndefined();
    const withSelector = fromJsonString(GetOperationsRequestSchema, '{"selector":{},"lastN":"20"}');
    expect(withSelector.selector).toBeDefined();
    expect(withSelector.lastN).toBe(20n);
    expect(toJson(GetOperationsRequestSchema, withSelector)).toEqual({ selector: {}, lastN: '20' });
  });

  it('ClearHistory carries a selector and onlyFailed', () => {
    const req = fromJson(ClearHistoryRequestSchema, { selector: { planId: 'home' }, onlyFailed: true });
    expect(req.selector?.planId).toBe('home');
    expect(toJson(ClearHistoryRequestSchema, req)).toEqual({
      selector: { planId: 'home' },
      onlyFailed: true,
    });
  });
});

describe('OpSelector presence (proto3 optional)', () => {
  it('emits a present empty string and omits an absent field', () => {
    const sel = fromJson(OpSelectorSchema, { instanceId: '', repoGuid: 'g' });
    expect(sel.instanceId).toBe('');
    expect(sel.planId).toBeUndefined();
    expect(toJson(OpSelectorSchema, sel)).toEqual({ instanceId: '', repoGuid: 'g' });
  });

  it('uses the reference keys and int64 strings', () => {
    const json = {
      ids: ['1', '2'],
      instanceId: 'i',
      originalInstanceKeyid: 'k',
      repoGuid: 'g',
      planId: 'p',
      snapshotId: 's',
      flowId: '0',
      modnoGte: '12',
    };
    expect(toJson(OpSelectorSchema, fromJson(OpSelectorSchema, json))).toEqual(json);
  });
});

describe('types wrappers are objects, not google.protobuf wrappers', () => {
  it('StringValue is {"value": ...}', () => {
    expect(toJsonString(StringValueSchema, create(StringValueSchema, { value: '/home' }))).toBe(
      '{"value":"/home"}',
    );
  });

  it('StringList is {"values": [...]}', () => {
    expect(toJson(StringListSchema, create(StringListSchema, { values: ['a', 'b'] }))).toEqual({
      values: ['a', 'b'],
    });
  });

  it('BytesValue (GetLogs chunks) is standard base64', () => {
    const chunk = create(BytesValueSchema, { value: new TextEncoder().encode('hello?>') });
    expect(toJson(BytesValueSchema, chunk)).toEqual({ value: 'aGVsbG8/Pg==' });
  });

  it('google.protobuf.Empty (GetConfig input) is {} and zero bytes', () => {
    expect(toJson(EmptySchema, create(EmptySchema))).toEqual({});
    expect(toBinary(EmptySchema, create(EmptySchema))).toHaveLength(0);
  });
});

describe('other request shapes', () => {
  it('DoRepoTask task names map to the reference numbers', () => {
    const req = fromJson(DoRepoTaskRequestSchema, { repoId: 'b2', task: 'TASK_FORGET' });
    expect(req.task).toBe(DoRepoTaskRequest_Task.FORGET);
    expect(req.task).toBe(6);
    expect(toJson(DoRepoTaskRequestSchema, fromJson(DoRepoTaskRequestSchema, { task: 5 }))).toEqual({
      task: 'TASK_UNLOCK',
    });
  });

  it('GeneratePairingToken carries Multihost permissions', () => {
    const json = {
      label: 'l',
      ttlSeconds: '3600',
      maxUses: 2,
      permissions: [{ type: 'PERMISSION_READ_CONFIG', scopes: ['*'] }],
    };
    const req = fromJson(GeneratePairingTokenRequestSchema, json);
    expect(toJson(GeneratePairingTokenRequestSchema, req)).toEqual(json);
  });

  it('Login takes username and password', () => {
    const req = fromJson(LoginRequestSchema, { username: 'admin', password: 'pw' });
    expect(req.username).toBe('admin');
    expect(req.password).toBe('pw');
  });

  it('SignedMessage keeps "keyid" and "timestampMillis" as JSON keys', () => {
    const json = { keyid: 'ed25519.x', payload: 'AQI=', signature: 'AwQ=', timestampMillis: '5' };
    expect(toJson(SignedMessageSchema, fromJson(SignedMessageSchema, json))).toEqual(json);
  });
});
