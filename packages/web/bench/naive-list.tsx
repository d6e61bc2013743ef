import { useCallback, useMemo, useState } from 'react';
import type { Operation } from '@restora/proto';
import { DayHeader } from '../src/components/op-list.js';
import { FlowRow } from '../src/components/op-row.js';
import { buildTree } from '../src/lib/ops.js';

/** The peer: the same rows as OperationList, all 10k rendered at once (no virtualisation). */
export function NaiveOperationList({ ops }: { ops: readonly Operation[]; onEndReached?: () => void }) {
  const rows = useMemo(() => buildTree(ops), [ops]);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const onToggle = useCallback((key: string) => setExpanded((s) => new Set(s.has(key) ? [] : [key])), []);
  return (
    <div role="list" aria-label="Operations" data-op-count={ops.length}>
      {rows.map((row) => (
        <div key={row.key} role="listitem" style={{ paddingBottom: 6 }}>
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
        </div>
      ))}
    </div>
  );
}
