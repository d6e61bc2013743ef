import { Alert, Anchor, Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useClients } from '../api/clients-context.js';
import { useOperations } from '../api/queries.js';
import { errorMessage } from '../lib/format.js';
import { href } from '../router.js';
import { downloadOp } from './op-actions.js';

const LAST_PARENT_KEY = 'restora-restore-parent';

/** A target that does not exist yet: next to the last one the user chose, named after the snapshot and the time. */
export function freshTarget(snapshotId: string, now = new Date()): string {
  let parent: string | null = null;
  try {
    parent = localStorage.getItem(LAST_PARENT_KEY);
  } catch {
    parent = null;
  }
  if (!parent) return '';
  const stamp = now.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  return `${parent.replace(/\/+$/, '')}/restore-${snapshotId.slice(0, 8)}-${stamp}`;
}

function rememberParent(target: string): void {
  const parent = target.replace(/\/+$/, '').replace(/\/[^/]*$/, '');
  try {
    if (parent) localStorage.setItem(LAST_PARENT_KEY, parent);
  } catch {
    // private mode: only the suggestion is lost
  }
}

type Msg = { color: string; text: string; link?: string };

/** Restore a file or folder of a snapshot to a target directory on the server (Restore RPC), or download it. */
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
  const clients = useClients();
  const [target, setTarget] = useState('');
  const [msg, setMsg] = useState<Msg | null>(null);
  const [busy, setBusy] = useState(false);
  // The snapshot's index op signs download links.
  const ops = useOperations({ snapshotId }, { enabled: opened });
  const indexOp = ops.data?.find((o) => o.op.case === 'operationIndexSnapshot');
  // Every opening starts over: a fresh target, no message from the last restore.
  useEffect(() => {
    if (!opened) return;
    setTarget(freshTarget(snapshotId));
    setMsg(null);
  }, [opened, snapshotId, path]);
  const opsPage = planId && planId !== '_unassociated_' ? href(['plans', planId]) : href(['repos', repoId]);
  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setMsg(null);
    try {
      const res = await clients.backrest.restore({ repoId, planId, snapshotId, path, target });
      if (target) rememberParent(target);
      setMsg({ color: 'green', text: `Restore started (operation ${res.operationId}).`, link: opsPage });
    } catch (err) {
      const text = errorMessage(err);
      setMsg({
        color: 'red',
        text: /exists/i.test(text)
          ? `${target || 'The target'} already exists: restore into a directory that does not exist yet, or leave the field empty for a new one. (${text})`
          : text,
      });
    } finally {
      setBusy(false);
    }
  }
  const download = (format?: 'zip') => {
    if (!indexOp) return;
    downloadOp(clients, indexOp.id, path, format).catch((err: unknown) =>
      setMsg({ color: 'red', text: errorMessage(err) }),
    );
  };
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
          description="A directory that does not exist yet; empty = a new restic-restore-<time> folder on the server"
          value={target}
          onChange={(e) => setTarget(e.currentTarget.value)}
          placeholder="/tmp/restore"
          data-autofocus
        />
        {msg && (
          <Alert color={msg.color} role="status">
            {msg.text}{' '}
            {msg.link && (
              <Anchor href={msg.link} onClick={onClose}>
                View the restore operation
              </Anchor>
            )}
          </Alert>
        )}
        <Group justify="space-between">
          <Group gap="xs">
            <Button variant="light" size="xs" disabled={!indexOp} onClick={() => download('zip')}>
              Download as zip
            </Button>
            <Button variant="subtle" size="xs" disabled={!indexOp} onClick={() => download()}>
              Download as tar
            </Button>
          </Group>
          <Group gap="xs">
            <Button variant="default" onClick={onClose}>
              Close
            </Button>
            <Button type="submit" loading={busy}>
              Restore
            </Button>
          </Group>
        </Group>
      </Stack>
    </Modal>
  );
}
