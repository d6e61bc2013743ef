import { Alert, Button, Group, Menu, Modal, Stack, TagsInput, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { ResticSnapshot } from '@restora/proto';
import { useClients } from '../api/clients-context.js';
import { rest } from '../api/rest.js';
import { errorMessage } from '../lib/format.js';

/** Tags restic and Restora set themselves (plan, instance): shown, not editable here. */
const SYSTEM_TAG = /^(plan|created-by):/;

/** Forget (Forget RPC) or retag (REST tag route) one snapshot, each behind a confirming dialog. */
export function SnapshotActions({ repoId, snapshot }: { repoId: string; snapshot: ResticSnapshot }) {
  const { backrest } = useClients();
  const qc = useQueryClient();
  const [dialog, setDialog] = useState<'forget' | 'tags' | null>(null);
  const userTags = snapshot.tags.filter((t) => !SYSTEM_TAG.test(t));
  const [tags, setTags] = useState<string[]>(userTags);
  const [msg, setMsg] = useState<{ color: string; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const short = snapshot.id.slice(0, 8);
  const plan = snapshot.tags.find((t) => t.startsWith('plan:'))?.slice(5) ?? '';
  const run = async (f: () => Promise<unknown>, ok: string) => {
    setBusy(true);
    try {
      await f();
      setMsg({ color: 'green', text: ok });
      setTimeout(() => void qc.invalidateQueries({ queryKey: ['snapshots', repoId] }), 1500);
    } catch (err) {
      setMsg({ color: 'red', text: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  };
  const open = (d: 'forget' | 'tags') => {
    setMsg(null);
    setTags(userTags);
    setDialog(d);
  };
  const remove = userTags.filter((t) => !tags.includes(t));
  const add = tags.filter((t) => !userTags.includes(t));
  return (
    <>
      <Menu position="bottom-start" withinPortal>
        <Menu.Target>
          <Button size="compact-xs" variant="light" ml="xs" aria-label={`Actions for snapshot ${short}`}>
            Actions
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item onClick={() => open('tags')}>Edit tags…</Menu.Item>
          <Menu.Item color="red" onClick={() => open('forget')}>
            Forget snapshot…
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <Modal
        opened={dialog !== null}
        onClose={() => setDialog(null)}
        title={dialog === 'forget' ? `Forget snapshot ${short}?` : `Tags of snapshot ${short}`}
        closeButtonProps={{ 'aria-label': 'Close dialog' }}
      >
        <Stack>
          {dialog === 'forget' ? (
            <Text size="sm">
              restic forgets the snapshot; its data stays in the repository until the next prune. This cannot
              be undone.
            </Text>
          ) : (
            <TagsInput
              label="Tags"
              description="Enter to add a tag; plan and instance tags are kept"
              value={tags}
              onChange={setTags}
            />
          )}
          {msg && (
            <Alert color={msg.color} role="status">
              {msg.text}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setDialog(null)}>
              Close
            </Button>
            {dialog === 'forget' ? (
              <Button
                color="red"
                loading={busy}
                onClick={() =>
                  void run(
                    () => backrest.forget({ repoId, planId: plan, snapshotId: snapshot.id }),
                    `Snapshot ${short} is being forgotten.`,
                  )
                }
              >
                Forget snapshot
              </Button>
            ) : (
              <Button
                loading={busy}
                disabled={add.length === 0 && remove.length === 0}
                onClick={() =>
                  void run(
                    () =>
                      // the REST routes accept a config repo id where they take a short id
                      rest(`/repositories/${encodeURIComponent(repoId)}/snapshots/tag`, {
                        method: 'POST',
                        body: { snapshotIds: [snapshot.id], add, remove },
                      }),
                    `Tags of ${short} are being saved.`,
                  )
                }
              >
                Save tags
              </Button>
            )}
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
