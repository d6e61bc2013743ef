// Locked-down installs: a config write (SetConfig, AddRepo, Zerobyte repositories and schedules, ...) may not
// add a repo or plan setting that runs a program. Settings already stored are left alone (restic refuses them
// at run time), so a config written before the install was locked down still loads and can be repaired.
import type { Config } from '@restora/proto';
import type { ConfigStore } from '../config/types.js';
import { ValidationError, type ValidationIssue } from '../errors.js';
import { planProgramIssues, repoProgramIssues } from '../tasks/program-policy.js';

/** Issues keyed by the repo/plan id and message, so reordering or renumbering does not make them new. */
function keyedIssues(c: Config): Map<string, ValidationIssue> {
  const out = new Map<string, ValidationIssue>();
  c.repos.forEach((r, i) => {
    for (const x of repoProgramIssues(r, `repos[${i}]`)) out.set(`repo ${r.id}\0${x.message}`, x);
  });
  c.plans.forEach((p, i) => {
    for (const x of planProgramIssues(p, `plans[${i}]`)) out.set(`plan ${p.id}\0${x.message}`, x);
  });
  return out;
}

/** Makes every update of `store` (replace goes through update) refuse new program-running settings with a 400. */
export function refuseProgramSettings(store: ConfigStore): void {
  const update = store.update.bind(store);
  store.update = (mutator, options) =>
    update(async (draft) => {
      const before = keyedIssues(draft);
      const next = (await mutator(draft)) ?? draft;
      const added = [...keyedIssues(next)].filter(([k]) => !before.has(k)).map(([, issue]) => issue);
      if (added.length) throw new ValidationError(added, 'refused on a locked-down install');
      return next;
    }, options);
}
