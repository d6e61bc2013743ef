import { ActionIcon } from '@mantine/core';
import { IconTrash } from '@tabler/icons-react';

/** The one delete/remove icon button: red trash, its accessible name says what goes. */
export function DeleteButton({ label, onClick }: { label: string; onClick: () => void }) {
  return (
    <ActionIcon color="red" variant="subtle" aria-label={label} onClick={onClick}>
      <IconTrash size={16} aria-hidden />
    </ActionIcon>
  );
}
