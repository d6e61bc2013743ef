// Zerobyte's retentionPolicy ⇄ a config plan's RetentionPolicy (keepWithinDuration lives in the sidecar).
import { create } from '@bufbuild/protobuf';
import {
  RetentionPolicySchema,
  RetentionPolicy_TimeBucketedCountsSchema,
  type RetentionPolicy,
} from '@restora/proto';

export interface Retention {
  keepLast?: number;
  keepHourly?: number;
  keepDaily?: number;
  keepWeekly?: number;
  keepMonthly?: number;
  keepYearly?: number;
  keepWithinDuration?: string;
}

export function toRetention(r: Retention | null | undefined): RetentionPolicy | undefined {
  if (!r) return undefined;
  const { keepLast, keepHourly, keepDaily, keepWeekly, keepMonthly, keepYearly } = r;
  if (![keepLast, keepHourly, keepDaily, keepWeekly, keepMonthly, keepYearly].some((v) => v))
    return undefined;
  if (keepLast && !keepHourly && !keepDaily && !keepWeekly && !keepMonthly && !keepYearly)
    return create(RetentionPolicySchema, { policy: { case: 'policyKeepLastN', value: keepLast } });
  return create(RetentionPolicySchema, {
    policy: {
      case: 'policyTimeBucketed',
      value: create(RetentionPolicy_TimeBucketedCountsSchema, {
        hourly: keepHourly ?? 0,
        daily: keepDaily ?? 0,
        weekly: keepWeekly ?? 0,
        monthly: keepMonthly ?? 0,
        yearly: keepYearly ?? 0,
        keepLastN: keepLast ?? 0,
      }),
    },
  });
}

export function fromRetention(p: RetentionPolicy | undefined): Retention | null {
  if (!p) return null;
  if (p.policy.case === 'policyKeepLastN') return { keepLast: p.policy.value };
  if (p.policy.case === 'policyTimeBucketed') {
    const v = p.policy.value;
    const out: Retention = {};
    if (v.keepLastN) out.keepLast = v.keepLastN;
    if (v.hourly) out.keepHourly = v.hourly;
    if (v.daily) out.keepDaily = v.daily;
    if (v.weekly) out.keepWeekly = v.weekly;
    if (v.monthly) out.keepMonthly = v.monthly;
    if (v.yearly) out.keepYearly = v.yearly;
    return out;
  }
  return null;
}
