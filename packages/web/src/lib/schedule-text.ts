import { Schedule_Clock } from '@restora/proto';
import type { Schedule } from '@restora/proto';
import { describeCron } from './cron.js';

export function scheduleText(s: Schedule | undefined): string {
  const clock =
    s?.clock === Schedule_Clock.UTC
      ? ' (UTC)'
      : s?.clock === Schedule_Clock.LAST_RUN_TIME
        ? ' (after last run)'
        : '';
  switch (s?.schedule.case) {
    case 'cron':
      return describeCron(s.schedule.value) + clock;
    case 'maxFrequencyHours':
      return `Every ${s.schedule.value} hour(s)${clock}`;
    case 'maxFrequencyDays':
      return `Every ${s.schedule.value} day(s)${clock}`;
    case 'disabled':
      return 'Disabled';
    default:
      return 'Manual only';
  }
}
