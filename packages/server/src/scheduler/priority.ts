// Backrest's task priorities (§7.3): higher runs first among due tasks.
export const Priority = {
  stats: 0,
  default: 2,
  forget: 4,
  indexSnapshots: 8,
  check: 16,
  prune: 32,
  interactive: 64,
} as const;
