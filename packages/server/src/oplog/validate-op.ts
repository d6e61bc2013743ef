// Minimal invariants every stored op satisfies (same spirit as Backrest's oplog validation).
import type { Operation } from '@restora/proto';
import { InvalidArgumentError } from '../errors.js';

export function validateOp(op: Operation): void {
  const missing: string[] = [];
  if (!op.op.case) missing.push('op (kind)');
  if (!op.repoId) missing.push('repoId');
  if (!op.planId) missing.push('planId');
  if (!op.instanceId) missing.push('instanceId');
  if (missing.length)
    throw new InvalidArgumentError(`operation is missing required fields: ${missing.join(', ')}`);
}
