// Collects every validation problem with the path of the offending field.
import type { ValidationIssue } from '../errors.js';

export class Issues {
  readonly list: ValidationIssue[] = [];
  readonly warnings: string[] = [];
  add(path: string, message: string): void {
    this.list.push({ path, message });
  }
  warn(message: string): void {
    this.warnings.push(message);
  }
}
