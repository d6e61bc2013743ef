/** Keeps the last `limit` characters of a text stream, line by line (bounded stderr capture). */
export class TailBuffer {
  private lines: string[] = [];
  private size = 0;
  private dropped = false;

  constructor(private readonly limit = 16 * 1024) {}

  push(line: string): void {
    const cut = line.length > this.limit ? line.slice(line.length - this.limit) : line;
    this.lines.push(cut);
    this.size += cut.length + 1;
    while (this.size > this.limit && this.lines.length > 1) {
      const first = this.lines.shift() ?? '';
      this.size -= first.length + 1;
      this.dropped = true;
    }
  }

  get truncated(): boolean {
    return this.dropped;
  }

  toString(): string {
    return this.lines.join('\n');
  }

  toLines(): string[] {
    return [...this.lines];
  }
}
