import { Badge, Checkbox, Group, Stack, Table, Text, TextInput } from '@mantine/core';
import { create } from '@bufbuild/protobuf';
import { Multihost_PermissionSchema, Multihost_Permission_Type as Perm, PermissionSet } from '@restora/proto';
import type { Multihost_Permission } from '@restora/proto';

export const PERMISSION_TEXT: Record<Exclude<Perm, Perm.PERMISSION_UNKNOWN>, string> = {
  [Perm.PERMISSION_READ_OPERATIONS]: 'Read operations (backup history)',
  [Perm.PERMISSION_READ_CONFIG]: 'Read config (plans and repositories, read-only)',
  [Perm.PERMISSION_READ_WRITE_CONFIG]: 'Edit config (plans and repositories)',
  [Perm.PERMISSION_RECEIVE_SHARED_REPOS]: 'Receive shared repositories',
};

const TYPES = Object.keys(PERMISSION_TEXT).map(Number) as Exclude<Perm, Perm.PERMISSION_UNKNOWN>[];

/** The grant's rules (the server's own), or the reason they do not parse: a bad scope is said, never a crash. */
export function permissionSet(perms: readonly Multihost_Permission[]): PermissionSet | string {
  try {
    return new PermissionSet(perms);
  } catch (err) {
    return (err as Error).message;
  }
}

/** Short form for a table cell: "Read operations (plan:docs)". */
export function permissionSummary(perms: readonly Multihost_Permission[]): string {
  if (!perms.length) return 'none';
  return perms
    .map((p) => {
      const name = PERMISSION_TEXT[p.type as keyof typeof PERMISSION_TEXT]?.split(' (')[0] ?? 'unknown';
      return p.scopes.length && !(p.scopes.length === 1 && p.scopes[0] === '*')
        ? `${name} (${p.scopes.join(', ')})`
        : name;
    })
    .join('; ');
}

/** One checkbox per permission type, each with its scopes (`*`, `repo:<id>`, `plan:<id>`, `!repo:…`, `!plan:…`). */
export function PermissionsEditor({
  value,
  onChange,
  label,
}: {
  value: Multihost_Permission[];
  onChange: (v: Multihost_Permission[]) => void;
  label: string;
}) {
  const find = (t: Perm) => value.find((p) => p.type === t);
  const set = (t: Perm, scopes: string[] | null) => {
    const rest = value.filter((p) => p.type !== t);
    onChange(scopes ? [...rest, create(Multihost_PermissionSchema, { type: t, scopes })] : rest);
  };
  return (
    <Stack gap={6} role="group" aria-label={label}>
      <Text size="sm" fw={500}>
        {label}
      </Text>
      {TYPES.map((t) => {
        const p = find(t);
        return (
          <Group key={t} gap="sm" wrap="nowrap" align="center">
            <Checkbox
              label={PERMISSION_TEXT[t]}
              checked={!!p}
              onChange={(e) => set(t, e.currentTarget.checked ? ['*'] : null)}
              w={330}
            />
            {p && (
              <TextInput
                size="xs"
                aria-label={`Scopes of ${PERMISSION_TEXT[t]}`}
                placeholder="* or repo:<id>, plan:<id>, !repo:<id>"
                value={p.scopes.join(', ')}
                onChange={(e) =>
                  set(
                    t,
                    e.currentTarget.value
                      .split(',')
                      .map((s) => s.trim())
                      .filter(Boolean),
                  )
                }
              />
            )}
          </Group>
        );
      })}
    </Stack>
  );
}

/** The first cell of a row naming one of a peer's plans or repos: its kind, then its id. */
export function KindIdCell({ kind, id }: { kind: string; id: string }) {
  return (
    <Table.Td>
      <Badge variant="outline" size="xs" mr={6}>
        {kind}
      </Badge>
      {id}
    </Table.Td>
  );
}
