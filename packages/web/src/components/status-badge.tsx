import { Badge } from '@mantine/core';
import type { OperationStatus } from '@restora/proto';
import { STATUS_COLOR, STATUS_LABEL } from '../lib/ops.js';

export function StatusBadge({ status }: { status: OperationStatus }) {
  return (
    <Badge
      color={STATUS_COLOR[status]}
      variant="light"
      size="sm"
      data-status={STATUS_LABEL[status]}
      style={{ flexShrink: 0 }}
    >
      {STATUS_LABEL[status]}
    </Badge>
  );
}
