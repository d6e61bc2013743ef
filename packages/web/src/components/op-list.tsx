import { Box, Text, Title } from '@mantine/core';
import { useWindowVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { Operation } from '@restora/proto';
import { buildTree } from '../lib/ops.js';
import type { TreeRow } from '../lib/ops.js';
import { FlowRow } from './op-row.js';

export function DayHeader({ row }: { row: Extract<TreeRow, { kind: 'day' }> }) {
  return (
    <Title order={5} pt="sm" pb={4}>
      {row.label}{' '}
      <Text span c="dimmed" size="sm">
        ({row.count})
      </Text>
    </Title>
  );
}

/** Operation tree grouped by day, virtualised against the window scroll: 10k ops render ~20 rows. */
export function OperationList({
  ops,
  onEndReached,
}: {
  ops: readonly Operation[];
  onEndReached?: () => void;
}) {
  const rows = useMemo(() => buildTree(ops), [ops]);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const onToggle = useCallback((key: string) => {
    setExpanded((s) => {
      const n = new Set(s);
      if (!n.delete(key)) n.add(key);
      return n;
    });
  }, []);
  const parent = useRef<HTMLDivElement>(null);
  const [margin, setMargin] = useState(0);
  useLayoutEffect(() => setMargin(parent.current?.offsetTop ?? 0), []);
  const v = useWindowVirtualizer({
    count: rows.length,
    estimateSize: (i) => (rows[i]?.kind === 'day' ? 40 : 76),
    overscan: 8,
    scrollMargin: margin,
    getItemKey: (i) => rows[i]!.key,
  });
  const items = v.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? -1;
  // Scrolling near the end of the loaded page asks for older history.
  useEffect(() => {
    if (onEndReached && rows.length > 0 && lastIndex >= rows.length - 3) onEndReached();
  }, [onEndReached, lastIndex, rows.length]);
  if (rows.length === 0)
    return <Text c="dimmed">No operations yet: start a backup, or wait for the next scheduled run.</Text>;
  return (
    <div
      ref={parent}
      role="list"
      aria-label="Operations"
      style={{ height: v.getTotalSize(), position: 'relative' }}
    >
      {items.map((item) => {
        const row = rows[item.index]!;
        return (
          <Box
            key={item.key}
            role="listitem"
            data-index={item.index}
            ref={v.measureElement}
            pb={6}
            style={{
              position: 'absolute',
              top: 0,
              left: 0,
              width: '100%',
              transform: `translateY(${item.start - v.options.scrollMargin}px)`,
            }}
          >
            {row.kind === 'day' ? (
              <DayHeader row={row} />
            ) : (
              <FlowRow
                main={row.main}
                children={row.children}
                rowKey={row.key}
                expanded={expanded.has(row.key)}
                onToggle={onToggle}
              />
            )}
          </Box>
        );
      })}
    </div>
  );
}
