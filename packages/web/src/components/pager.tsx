import { Button, Group } from '@mantine/core';

/** Previous / Next over an offset-paged answer. */
export function Pager({
  offset,
  page,
  hasMore,
  onChange,
}: {
  offset: number;
  page: number;
  hasMore: boolean;
  onChange: (offset: number) => void;
}) {
  return (
    <Group gap="xs">
      {offset > 0 && (
        <Button size="xs" variant="default" onClick={() => onChange(Math.max(0, offset - page))}>
          Previous
        </Button>
      )}
      {hasMore && (
        <Button size="xs" variant="default" onClick={() => onChange(offset + page)}>
          Next
        </Button>
      )}
    </Group>
  );
}
