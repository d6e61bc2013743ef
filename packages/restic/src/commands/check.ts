import { Args } from '../args.js';
import type { ResticContext } from '../context.js';
import { ResticError } from '../errors.js';
import type { CallOptions } from '../options.js';
import { camelize, isObject, parseJsonLine } from '../parse/json.js';
import type { CheckResult } from '../types.js';

export interface CheckOptions extends CallOptions {
  /** `--read-data`: read and verify all pack data. */
  readData?: boolean;
  /** `--read-data-subset` such as `1/5`, `10%` or `500M`. */
  readDataSubset?: string;
  /** `--with-cache`. */
  withCache?: boolean;
}

const ERROR_LINE = /error|not referenced|does not match|damaged|unable to|invalid|missing|Fatal/i;
const NOT_ERROR = /no errors were found|repository contains errors/i;

/**
 * Checks the repository. A repository with errors resolves with `ok: false` and the errors listed;
 * failures to run the check (wrong password, lock, ...) reject.
 */
export async function check(ctx: ResticContext, o: CheckOptions): Promise<CheckResult> {
  if (o.readData && o.readDataSubset) {
    throw new ResticError({ code: 'invalid-argument', message: 'give readData or readDataSubset, not both' });
  }
  if (o.readDataSubset !== undefined && !/^(\d+\/\d+|\d+(\.\d+)?%|\d+[KMGT]?)$/.test(o.readDataSubset)) {
    throw new ResticError({
      code: 'invalid-argument',
      message: `invalid readDataSubset: ${o.readDataSubset}`,
    });
  }
  const errors: string[] = [];
  const onStderrLine = (line: string): void => {
    const j = parseJsonLine(line);
    const text = isObject(j) ? (typeof j.message === 'string' ? j.message : undefined) : line;
    if (text && ERROR_LINE.test(text) && !NOT_ERROR.test(text) && errors.length < 1000) {
      errors.push(text.trim());
    }
  };
  const args = new Args('check', '--json')
    .flag('--read-data', o.readData)
    .value('--read-data-subset', o.readDataSubset)
    .flag('--with-cache', o.withCache).list;
  const proc = await ctx.spawn(args, { ...o, onStderrLine });
  let output = '';
  let summary: Record<string, unknown> | undefined;
  for await (const chunk of proc.stdout as AsyncIterable<Buffer>) {
    if (output.length < 1024 * 1024) output += chunk.toString('utf8');
  }
  for (const line of output.split('\n')) {
    const j = parseJsonLine(line);
    if (isObject(j) && j.message_type === 'summary') summary = camelize(j);
    else if (ERROR_LINE.test(line) && !NOT_ERROR.test(line) && !j && errors.length < 1000)
      errors.push(line.trim());
  }
  const exit = await proc.done;
  const failedWithErrors = exit.exitCode === 1 && /repository contains errors/.test(exit.stderrTail);
  if (!failedWithErrors) ctx.check(proc.command, exit);
  const numErrors = typeof summary?.numErrors === 'number' ? summary.numErrors : undefined;
  return {
    ok: !failedWithErrors && (numErrors ?? 0) === 0,
    ...(numErrors !== undefined
      ? { numErrors }
      : failedWithErrors
        ? { numErrors: Math.max(errors.length, 1) }
        : {}),
    errors,
    ...(Array.isArray(summary?.brokenPacks) ? { brokenPacks: summary.brokenPacks as string[] } : {}),
    ...(typeof summary?.suggestRepairIndex === 'boolean'
      ? { suggestRepairIndex: summary.suggestRepairIndex }
      : {}),
    ...(typeof summary?.suggestPrune === 'boolean' ? { suggestPrune: summary.suggestPrune } : {}),
    output,
  };
}
