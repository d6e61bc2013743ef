import { ScalarType, createRegistry } from '@bufbuild/protobuf';
import type { DescEnum, DescField, DescMessage } from '@bufbuild/protobuf';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  file_types_value,
  file_v1_authentication,
  file_v1_config,
  file_v1_crypto,
  file_v1_operations,
  file_v1_restic,
  file_v1_service,
  file_v1sync_syncservice,
} from './index.js';
import { parseReference } from './testdata/parse-reference.js';
import type { RefField } from './testdata/parse-reference.js';

// Every message, field and enum of backrest-api.md §4 and §11, checked against the generated descriptors.
const markdown = readFileSync(new URL('./testdata/backrest-api-messages.md', import.meta.url), 'utf8');
const reference = parseReference(markdown);
const registry = createRegistry(
  file_types_value,
  file_v1_authentication,
  file_v1_config,
  file_v1_crypto,
  file_v1_operations,
  file_v1_restic,
  file_v1_service,
  file_v1sync_syncservice,
);
const ownPackages = ['v1', 'types', 'v1sync'];

const ownMessages: DescMessage[] = [];
const ownEnums: DescEnum[] = [];
for (const type of registry) {
  if (!ownPackages.includes(type.file.proto.package)) continue;
  if (type.kind === 'message') ownMessages.push(type);
  if (type.kind === 'enum') ownEnums.push(type);
}

function lowerCamel(name: string): string {
  return name.replace(/_(\w)/g, (_m, c: string) => c.toUpperCase());
}

function sameType(actual: string, expected: string): boolean {
  return actual === expected || actual.endsWith(`.${expected}`);
}

function fieldType(field: DescField): { type: string; repeated: boolean } {
  const kind = field.fieldKind === 'list' ? field.listKind : field.fieldKind;
  const repeated = field.fieldKind === 'list';
  if (kind === 'scalar' && field.scalar !== undefined)
    return { type: ScalarType[field.scalar].toLowerCase(), repeated };
  if (kind === 'enum' && field.enum) return { type: field.enum.typeName, repeated };
  if (kind === 'message' && field.message) return { type: field.message.typeName, repeated };
  return { type: `unsupported ${field.fieldKind}`, repeated };
}

function describeField(field: DescField): RefField {
  const { type, repeated } = fieldType(field);
  return {
    number: field.number,
    name: field.name,
    jsonName: field.jsonName,
    type,
    repeated,
    optional: field.proto.proto3Optional === true,
    ...(field.oneof && !field.oneof.proto.name.startsWith('_') && { oneof: field.oneof.name }),
  };
}

/** Fields Restora adds past Backrest's numbers (unknown to Backrest's clients, which skip them). */
const RESTORA_EXTENSIONS: Record<string, Record<number, string>> = {
  'v1.Operation': { 1000: 'zerobyte_task' },
  'v1sync.RemoteConfig': { 1000: 'restora_grants' },
  'v1sync.SyncStreamItem': { 2000: 'restora' },
};

describe('Restora extensions', () => {
  it('use field numbers of 1000 and up, outside any oneof', () => {
    for (const [typeName, fields] of Object.entries(RESTORA_EXTENSIONS)) {
      for (const [n, name] of Object.entries(fields)) {
        const field = registry.getMessage(typeName)?.fields.find((f) => f.number === Number(n));
        expect(field?.name).toBe(name);
        expect(Number(n)).toBeGreaterThanOrEqual(1000);
        expect(field?.oneof).toBeUndefined();
      }
    }
  });
});

describe('reference tables (backrest-api.md §4, §11)', () => {
  it('parses a plausible number of messages and enums from the copied reference', () => {
    expect(reference.messages.size).toBeGreaterThan(100);
    expect(reference.enums.size).toBe(12);
  });

  it('defines every message of the reference and no other', () => {
    expect(ownMessages.map((m) => m.typeName).sort()).toEqual([...reference.messages.keys()].sort());
  });

  it('defines every enum of the reference and no other', () => {
    expect(ownEnums.map((e) => e.typeName).sort()).toEqual([...reference.enums.keys()].sort());
  });

  describe.each([...reference.messages.values()])('$typeName', (ref) => {
    const desc = registry.getMessage(ref.typeName);

    it('has exactly the reference field numbers (plus Restora extensions)', () => {
      const own = desc?.fields.filter((f) => RESTORA_EXTENSIONS[ref.typeName]?.[f.number] !== f.name);
      expect(own?.map((f) => f.number).sort((a, b) => a - b)).toEqual(
        ref.fields.map((f) => f.number).sort((a, b) => a - b),
      );
    });

    it.each(ref.fields.map((f) => [f.number, f] as const))('field %i matches', (_n, expected) => {
      const field = desc?.fields.find((f) => f.number === expected.number);
      if (!field) throw new Error(`${ref.typeName} has no field ${expected.number}`);
      const actual = describeField(field);
      expect(actual.name).toBe(expected.name);
      // v1sync declares no json_name: keys are the default lowerCamelCase.
      expect(actual.jsonName).toBe(expected.jsonName ?? lowerCamel(expected.name));
      if (expected.type !== undefined) {
        expect(sameType(actual.type as string, expected.type), `${actual.type} vs ${expected.type}`).toBe(
          true,
        );
      }
      if (expected.type !== undefined || expected.repeated) expect(actual.repeated).toBe(expected.repeated);
      expect(actual.optional).toBe(expected.optional);
      expect(actual.oneof).toBe(expected.oneof);
    });

    if (ref.reserved.length > 0) {
      it('reserves the retired field numbers', () => {
        const reserved = desc?.proto.reservedRange.flatMap((r) =>
          Array.from({ length: (r.end ?? 0) - (r.start ?? 0) }, (_v, k) => (r.start ?? 0) + k),
        );
        expect(reserved?.sort((a, b) => a - b)).toEqual(ref.reserved);
      });
    }
  });

  describe.each([...reference.enums.values()])('$typeName', (ref) => {
    it('has exactly the reference values', () => {
      const desc = registry.getEnum(ref.typeName);
      expect(desc?.values.map((v) => [v.name, v.number])).toEqual(ref.values);
    });
  });
});
