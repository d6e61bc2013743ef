import type { RestoreMessage } from '../types.js';
import { errorText } from './backup.js';
import { camelize, isObject, parseJsonLine } from './json.js';

/** Normalises a restore JSON line (restic >= 0.16); undefined for text lines. */
export function parseRestoreLine(line: string): RestoreMessage | undefined {
  const raw = parseJsonLine(line);
  if (!isObject(raw)) return undefined;
  switch (raw.message_type) {
    case 'status': {
      const m = camelize<RestoreMessage & { messageType: 'status' }>(raw);
      m.percentDone = typeof m.percentDone === 'number' ? m.percentDone : 0;
      return m;
    }
    case 'verbose_status':
      return camelize<RestoreMessage>(raw);
    case 'summary': {
      const { percentDone: _p, ...rest } = camelize<Record<string, unknown>>(raw);
      return rest as unknown as RestoreMessage;
    }
    case 'error':
      return {
        messageType: 'error',
        message: errorText(raw.error),
        ...(typeof raw.during === 'string' ? { during: raw.during } : {}),
        ...(typeof raw.item === 'string' ? { item: raw.item } : {}),
      };
    default:
      return undefined;
  }
}

/** 0.14/0.15 text: `restoring <Snapshot 800e90f9 of [/data] at ... by root@vm> to out`. */
export function parseRestoringLine(line: string): string | undefined {
  return /^restoring <Snapshot ([0-9a-f]+) of /.exec(line)?.[1];
}
