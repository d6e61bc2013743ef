import type { Node } from './ast.js';
import { execute } from './exec.js';
import { parseTemplate } from './parse.js';

export { TemplateError } from './ast.js';
export { GoDuration, formatGoDuration, jsonMarshal } from './values.js';

const cache = new Map<string, Node[]>();

/** Renders a Go text/template (the subset Backrest hook templates use) against `data`. */
export function renderTemplate(src: string, data: unknown): string {
  let nodes = cache.get(src);
  if (!nodes) {
    nodes = parseTemplate(src);
    if (cache.size > 200) cache.clear();
    cache.set(src, nodes);
  }
  return execute(nodes, data);
}

/** Parses only, to validate a template (throws TemplateError). */
export function checkTemplate(src: string): void {
  parseTemplate(src);
}
