// restic version awareness: the version found at start, and the features a config uses that it lacks.
import type { Config } from '@restora/proto';
import { FLAG_MIN_VERSIONS, FEATURES, Restic, atLeast } from '@restora/restic';
import { shlexSplit } from '../config/shlex.js';

export interface ResticGap {
  /** what the config uses, e.g. `sftp.args` */
  feature: string;
  /** the restic release that added it */
  needs: string;
  /** where: `repo nas`, `plan docs` */
  usedBy: string;
  /** what Restora does about it */
  handling: string;
}

const flagName = (f: string) => f.split('=')[0] ?? f;

/** Every feature `config` uses that restic `version` lacks, with what happens instead. */
export function resticGaps(config: Config, version: string): ResticGap[] {
  const gaps: ResticGap[] = [];
  const flagGaps = (flags: string[], usedBy: string) => {
    for (const feature of flags.flatMap((x) => shlexSplit(x)).map(flagName)) {
      const needs = FLAG_MIN_VERSIONS[feature];
      if (needs && !atLeast(version, needs))
        gaps.push({
          feature,
          needs,
          usedBy,
          handling: 'passed as given: restic will refuse it',
        });
    }
  };
  for (const repo of config.repos) {
    if (repo.uri.startsWith('sftp:') && !atLeast(version, FEATURES.sftpArgs))
      gaps.push({
        feature: 'sftp.args',
        needs: FEATURES.sftpArgs,
        usedBy: `repo ${repo.id}`,
        handling:
          'the same ssh options go through -o sftp.command instead; host keys are checked as before (known_hosts, BatchMode: an unknown host fails, never prompts)',
      });
    flagGaps(repo.flags, `repo ${repo.id}`);
  }
  for (const plan of config.plans) {
    if (plan.skipIfUnchanged && !atLeast(version, FEATURES.skipIfUnchanged))
      gaps.push({
        feature: 'skip_if_unchanged',
        needs: FEATURES.skipIfUnchanged,
        usedBy: `plan ${plan.id}`,
        handling: 'a snapshot is made even when nothing changed',
      });
    flagGaps(plan.backupFlags, `plan ${plan.id}`);
  }
  return gaps;
}

/** `restic version` of the binary the server will run, or an error message saying why there is none. */
export async function detectRestic(
  binary: string | undefined,
): Promise<{ version?: string; error?: string }> {
  try {
    const v = await new Restic(binary ? { binaryPath: binary } : {}).version();
    return { version: v.resticVersion };
  } catch (err) {
    return { error: (err as Error).message.split('\n')[0] ?? String(err) };
  }
}

/** The start-up lines: which restic runs, and each feature of the config it lacks. */
export function logRestic(
  logger: { info(o: object, m: string): void; warn(o: object, m: string): void },
  found: { version?: string; error?: string },
  config: Config,
): void {
  if (!found.version) {
    logger.warn(
      { reason: found.error },
      'restic is not runnable: every operation fails until it is installed',
    );
    return;
  }
  logger.info({ version: found.version }, 'restic found');
  for (const g of resticGaps(config, found.version))
    logger.warn(
      { usedBy: g.usedBy, needs: g.needs, handling: g.handling },
      `restic ${found.version} lacks ${g.feature}`,
    );
}
