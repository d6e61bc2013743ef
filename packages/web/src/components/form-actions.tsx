import { Alert, Button, Group } from '@mantine/core';

/** Save / cancel / delete row with the last error shown above it. */
export function FormActions({
  error,
  busy,
  saveLabel,
  onCancel,
  onDelete,
  deleteLabel,
}: {
  error: string | null;
  busy: boolean;
  saveLabel: string;
  onCancel: () => void;
  onDelete?: () => void;
  deleteLabel?: string;
}) {
  return (
    <>
      {error && (
        <Alert color="red" role="alert" title="Could not save">
          {error}
        </Alert>
      )}
      <Group justify="space-between">
        <Group>
          <Button type="submit" loading={busy}>
            {saveLabel}
          </Button>
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
        </Group>
        {onDelete && (
          <Button color="red" variant="light" onClick={onDelete}>
            {deleteLabel ?? 'Delete'}
          </Button>
        )}
      </Group>
    </>
  );
}
