// Placeholder until the wrapper lands (issue 2).
export class Restic {}
