import { Autocomplete, Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useClients } from '../api/clients-context.js';
import { DeleteButton } from './delete-button.js';

/** A server path field with PathAutocomplete suggestions for the directory being typed. */
export function PathInput({
  value,
  onChange,
  label,
  visibleLabel,
  placeholder = '/path',
}: {
  value: string;
  onChange: (v: string) => void;
  label: string;
  /** Show the label above the field (otherwise it is only the accessible name). */
  visibleLabel?: boolean;
  placeholder?: string;
}) {
  const { backrest } = useClients();
  const [options, setOptions] = useState<string[]>([]);
  // Only the directory part matters: typing a file name filters locally instead of re-querying.
  const dir = value.slice(0, value.lastIndexOf('/') + 1);
  useEffect(() => {
    if (!dir.startsWith('/')) return setOptions([]);
    let live = true;
    const t = setTimeout(() => {
      backrest
        .pathAutocomplete({ value: dir })
        .then((res) => live && setOptions(res.values.map((n) => dir + n).slice(0, 50)))
        .catch(() => live && setOptions([]));
    }, 150);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [backrest, dir]);
  return (
    <Autocomplete
      {...(visibleLabel ? { label } : { 'aria-label': label })}
      value={value}
      onChange={onChange}
      data={options}
      style={{ flex: 1 }}
      placeholder={placeholder}
    />
  );
}

/** An editable list of strings (paths, excludes, env, flags); `paths` adds server-side path autocomplete. */
export function StringList({
  label,
  values,
  onChange,
  paths,
  placeholder,
  description,
}: {
  label: string;
  values: string[];
  onChange: (v: string[]) => void;
  paths?: boolean;
  placeholder?: string;
  description?: string;
}) {
  const set = (i: number, v: string) => onChange(values.map((x, j) => (j === i ? v : x)));
  return (
    <Stack gap={4}>
      <Text size="sm" fw={500}>
        {label}
      </Text>
      {description && (
        <Text size="xs" c="dimmed">
          {description}
        </Text>
      )}
      {values.map((v, i) => (
        <Group key={i} gap="xs" wrap="nowrap">
          {paths ? (
            <PathInput label={`${label} ${i + 1}`} value={v} onChange={(x) => set(i, x)} />
          ) : (
            <TextInput
              aria-label={`${label} ${i + 1}`}
              value={v}
              placeholder={placeholder}
              onChange={(e) => set(i, e.currentTarget.value)}
              style={{ flex: 1 }}
            />
          )}
          <DeleteButton
            label={`Remove ${label} ${i + 1}`}
            onClick={() => onChange(values.filter((_, j) => j !== i))}
          />
        </Group>
      ))}
      <Button
        variant="subtle"
        size="compact-sm"
        onClick={() => onChange([...values, ''])}
        style={{ alignSelf: 'flex-start' }}
      >
        + Add {label.toLowerCase()}
      </Button>
    </Stack>
  );
}
