// AST of the Go text/template subset Backrest hook templates use.
export type Operand =
  | { t: 'field'; base: 'dot' | { var: string } | { sub: Pipeline }; path: string[] }
  | { t: 'ident'; name: string }
  | { t: 'lit'; value: unknown };

export interface Command {
  args: Operand[];
}

export interface Pipeline {
  decl: string[]; // `$x :=` or `$i, $e :=`
  assign: boolean; // `$x = ...` (re-assignment)
  cmds: Command[];
}

export type Node =
  | { t: 'text'; text: string }
  | { t: 'action'; pipe: Pipeline }
  | { t: 'if' | 'with'; pipe: Pipeline; then: Node[]; else: Node[] }
  | { t: 'range'; pipe: Pipeline; body: Node[]; else: Node[] };

export class TemplateError extends Error {
  constructor(message: string) {
    super(`template: ${message}`);
    this.name = 'TemplateError';
  }
}
