import { Condition, eventName } from './conditions.js';
import { GoDuration, jsonMarshal, renderTemplate } from './template/index.js';

/** Backup summary fields as in SnapshotSummary (bigint or number; Go prints both as integers). */
export type SnapshotStats = Record<string, unknown>;

export interface HookVarsInput {
  task: string;
  event: number;
  repo?: unknown;
  plan?: unknown;
  snapshotId?: string;
  snapshotStats?: SnapshotStats | undefined;
  curTime: Date;
  durationMs?: number;
  error?: string;
}

/** The value templates see as `.`: Backrest's HookVars fields (Go names) and helper methods. */
export interface HookVars {
  Task: string;
  Event: number;
  Repo: unknown;
  Plan: unknown;
  SnapshotId: string;
  SnapshotStats: SnapshotStats | null;
  CurTime: Date;
  Duration: GoDuration;
  Error: string;
  EventName(cond: unknown): string;
  FormatTime(t: unknown): string;
  FormatDuration(d: unknown): string;
  FormatSizeBytes(n: unknown): string;
  IsError(cond: unknown): boolean;
  ShellEscape(s: unknown): string;
  JsonMarshal(v: unknown): string;
  Summary(): string;
}

export function makeHookVars(input: HookVarsInput): HookVars {
  const vars: HookVars = {
    Task: input.task,
    Event: input.event,
    Repo: input.repo ?? null,
    Plan: input.plan ?? null,
    SnapshotId: input.snapshotId ?? '',
    SnapshotStats: input.snapshotStats ?? null,
    CurTime: input.curTime,
    Duration: GoDuration.fromMs(input.durationMs ?? 0),
    Error: input.error ?? '',
    EventName: (cond) => eventName(Number(cond)),
    FormatTime: (t) => formatRfc3339(t instanceof Date ? t : new Date(Number(t))),
    FormatDuration: (d) => {
      const ns = d instanceof GoDuration ? d.ns : Number(d);
      return new GoDuration(Math.trunc(ns / 1e6) * 1e6).toString();
    },
    FormatSizeBytes: (n) => formatSizeBytes(n),
    IsError: (cond) => Number(cond) === Condition.ANY_ERROR || Number(cond) === Condition.SNAPSHOT_ERROR,
    ShellEscape: (s) => shellEscape(String(s ?? '')),
    JsonMarshal: (v) => jsonMarshal(v),
    Summary: () => renderTemplate(summaryTemplate(vars.Event), vars),
  };
  return vars;
}

/** `1234567` → `1.234 MB` (decimal units, 3 decimals, as Backrest's FormatSizeBytes intends). */
export function formatSizeBytes(v: unknown): string {
  let size = typeof v === 'bigint' ? v : BigInt(Math.trunc(Number(v) || 0));
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let rem = 0n;
  let i = 0;
  while (size > 1000n && i < units.length - 1) {
    rem = size % 1000n;
    size /= 1000n;
    i++;
  }
  return `${size}.${rem.toString().padStart(3, '0')} ${units[i]}`;
}

/** POSIX shell quoting (alessio/shellescape semantics). */
export function shellEscape(s: string): string {
  if (s === '') return "''";
  if (!/[^\w@%+=:,./-]/.test(s)) return s;
  return `'${s.replace(/'/g, `'"'"'`)}'`;
}

function formatRfc3339(d: Date): string {
  if (Number.isNaN(d.getTime())) return '';
  const off = -d.getTimezoneOffset();
  const pad = (n: number) => String(Math.abs(n)).padStart(2, '0');
  const local = new Date(d.getTime() + off * 60_000).toISOString().slice(0, 19);
  return off === 0
    ? `${local}Z`
    : `${local}${off > 0 ? '+' : '-'}${pad(Math.trunc(off / 60))}:${pad(off % 60)}`;
}

function summaryTemplate(event: number): string {
  if (event === Condition.SNAPSHOT_START) return SNAPSHOT_START;
  if (
    event === Condition.SNAPSHOT_END ||
    event === Condition.SNAPSHOT_WARNING ||
    event === Condition.SNAPSHOT_SUCCESS
  )
    return SNAPSHOT_END;
  return DEFAULT;
}

// Backrest's built-in summary texts (`.Summary`), so notifications read the same.
const DEFAULT = `
{{ if .Error -}}
Backrest Error
Task: {{ .Task }} at {{ .FormatTime .CurTime }}
Event: {{ .EventName .Event }}
Repo: {{ .Repo.Id }}
Error: {{ .Error }}
{{ else -}}
Backrest Notification
Task: {{ .Task }} at {{ .FormatTime .CurTime }}
Event: {{ .EventName .Event }}
{{ end }}
`;

const SNAPSHOT_END = `
Backrest Snapshot Notification
Task: {{ .Task }} at {{ .FormatTime .CurTime }}
Event: {{ .EventName .Event }}
Snapshot: {{ .SnapshotId }}
{{ if .Error -}}
Error: {{ .Error }}
{{ else -}}
{{ if .SnapshotStats -}}

Overview:
- Data added: {{ .FormatSizeBytes .SnapshotStats.DataAdded }}
- Total files processed: {{ .SnapshotStats.TotalFilesProcessed }}
- Total bytes processed: {{ .FormatSizeBytes .SnapshotStats.TotalBytesProcessed }}

Backup Statistics:
- Files new: {{ .SnapshotStats.FilesNew }}
- Files changed: {{ .SnapshotStats.FilesChanged }}
- Files unmodified: {{ .SnapshotStats.FilesUnmodified }}
- Dirs new: {{ .SnapshotStats.DirsNew }}
- Dirs changed: {{ .SnapshotStats.DirsChanged }}
- Dirs unmodified: {{ .SnapshotStats.DirsUnmodified }}
- Data blobs: {{ .SnapshotStats.DataBlobs }}
- Tree blobs: {{ .SnapshotStats.TreeBlobs }}
- Total duration: {{ .SnapshotStats.TotalDuration }}s
{{ end }}
{{ end }}`;

const SNAPSHOT_START = `
Backrest Notification for Snapshot Start
Task: "{{ .Task }}" at {{ .FormatTime .CurTime }}
Event: {{ .EventName .Event }}
Repo: {{ .Repo.Id }} 
Plan: {{ .Plan.Id }} 
Paths: 
{{ range .Plan.Paths -}}
 - {{ . }}
{{ end }}`;

/** Renders a hook template; an empty (whitespace-only) template means `{{ .Summary }}`. */
export function renderHookTemplate(template: string | undefined, vars: HookVars): string {
  const src = template && template.trim() !== '' ? template : '{{ .Summary }}';
  return renderTemplate(src, vars);
}
