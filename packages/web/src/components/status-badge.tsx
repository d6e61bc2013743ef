import { Badge } from '@mantine/core';
import {
  IconAlertTriangle,
  IconCheck,
  IconClock,
  IconLoader2,
  IconPlayerStop,
  IconQuestionMark,
  IconX,
} from '@tabler/icons-react';
import { OperationStatus } from '@restora/proto';
import { STATUS_COLOR, STATUS_LABEL } from '../lib/ops.js';

/** One icon per status, beside its colour: readable without colour vision too. */
const STATUS_ICON: Record<OperationStatus, typeof IconCheck> = {
  [OperationStatus.STATUS_UNKNOWN]: IconQuestionMark,
  [OperationStatus.STATUS_PENDING]: IconClock,
  [OperationStatus.STATUS_INPROGRESS]: IconLoader2,
  [OperationStatus.STATUS_SUCCESS]: IconCheck,
  [OperationStatus.STATUS_ERROR]: IconX,
  [OperationStatus.STATUS_SYSTEM_CANCELLED]: IconPlayerStop,
  [OperationStatus.STATUS_USER_CANCELLED]: IconPlayerStop,
  [OperationStatus.STATUS_WARNING]: IconAlertTriangle,
};

export function StatusBadge({ status }: { status: OperationStatus }) {
  const Icon = STATUS_ICON[status];
  return (
    <Badge
      leftSection={<Icon size={12} aria-hidden />}
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
