import { Alert, Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useClients } from '../api/clients-context.js';
import { errorMessage } from '../lib/format.js';

/** Restore a file or folder of a snapshot to a target directory on the server (Restore RPC). */
export function RestoreModal({
  opened,
  onClose,
  repoId,
  planId,
  snapshotId,
  path,
}: {
  opened: boolean;
  onClose: () => void;
  repoId: string;
  planId: string;
  snapshotId: string;
  path: string;
}) {
  const { backrest } = useClients();
  const [target, setTarget] = useState('');
  const [msg, setMsg] = useState<{ color: string; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setMsg(null);
    try {
      const res = await backrest.restore({ repoId, planId, snapshotId, path, target });
      setMsg({
        color: 'green',
        text: `Restore queued (operation ${res.operationId}). Follow it on the plan page.`,
      });
    } catch (err) {
      setMsg({ color: 'red', text: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  }
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title="Restore"
      closeButtonProps={{ 'aria-label': 'Close restore dialog' }}
    >
      <Stack component="form" onSubmit={submit}>
        <Text size="sm">
          Restore <b>{path}</b> from snapshot {snapshotId.slice(0, 8)}.
        </Text>
        <TextInput
          label="Target directory"
          description="Must not exist yet; empty = ~/Downloads/restic-restore-<time>"
          value={target}
          onChange={(e) => setTarget(e.currentTarget.value)}
          placeholder="/tmp/restore"
          data-autofocus
        />
        {msg && (
          <Alert color={msg.color} role="status">
            {msg.text}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Close
          </Button>
          <Button type="submit" loading={busy}>
            Restore
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
