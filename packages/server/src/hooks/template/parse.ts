import type { Command, Node, Operand, Pipeline } from './ast.js';
import { TemplateError } from './ast.js';
import type { Token } from './lex.js';
import { lexAction, splitChunks } from './lex.js';

type Frame =
  { kind: 'root' } | { kind: 'if' | 'with' | 'range'; node: Node & { t: 'if' | 'with' | 'range' } };

interface StackEntry {
  list: Node[];
  frame: Frame;
  inElse: boolean;
  chained?: boolean;
}

export function parseTemplate(src: string): Node[] {
  const root: Node[] = [];
  // Each entry: the list being appended to and its block; `chained` marks an `else if` closed by its parent's end.
  const stack: StackEntry[] = [{ list: root, frame: { kind: 'root' }, inElse: false }];
  const top = () => stack[stack.length - 1]!;
  for (const chunk of splitChunks(src)) {
    if ('text' in chunk) {
      top().list.push({ t: 'text', text: chunk.text });
      continue;
    }
    const toks = lexAction(chunk.action);
    const head = toks[0];
    const kw = head?.k === 'ident' ? head.name : '';
    if (kw === 'if' || kw === 'with' || kw === 'range') {
      const pipe = parsePipeline(toks.slice(1), chunk.action);
      const node: Node & { t: 'if' | 'with' | 'range' } =
        kw === 'range' ? { t: 'range', pipe, body: [], else: [] } : { t: kw, pipe, then: [], else: [] };
      top().list.push(node);
      stack.push({
        list: node.t === 'range' ? node.body : node.then,
        frame: { kind: kw, node },
        inElse: false,
      });
    } else if (kw === 'else') {
      const cur = top();
      if (cur.frame.kind === 'root' || cur.inElse) throw new TemplateError(`unexpected {{else}}`);
      const node = cur.frame.node;
      const second = toks[1];
      if (second?.k === 'ident' && (second.name === 'if' || second.name === 'with') && node.t !== 'range') {
        // `else if` chains: an implicit nested block closed by the same {{end}}.
        const pipe = parsePipeline(toks.slice(2), chunk.action);
        const nested: Node & { t: 'if' | 'with' } = { t: second.name, pipe, then: [], else: [] };
        node.else.push(nested);
        cur.inElse = true;
        stack.push({
          list: nested.then,
          frame: { kind: second.name, node: nested },
          inElse: false,
          chained: true,
        });
        continue;
      }
      cur.list = node.else;
      cur.inElse = true;
    } else if (kw === 'end') {
      if (top().frame.kind === 'root') throw new TemplateError('unexpected {{end}}');
      // pop chained else-if frames together with their parent
      while (stack.pop()?.chained) {
        /* an else-if chain ends with its parent */
      }
    } else if (
      kw === 'define' ||
      kw === 'template' ||
      kw === 'block' ||
      kw === 'break' ||
      kw === 'continue'
    ) {
      throw new TemplateError(`{{${kw}}} is not supported`);
    } else {
      top().list.push({ t: 'action', pipe: parsePipeline(toks, chunk.action) });
    }
  }
  if (stack.length > 1) throw new TemplateError(`missing {{end}} for {{${top().frame.kind}}}`);
  return root;
}

function parsePipeline(toks: Token[], src: string): Pipeline {
  const pipe: Pipeline = { decl: [], assign: false, cmds: [] };
  const declAt = toks.findIndex((t) => t.k === ':=' || t.k === '=');
  let body = toks;
  if (declAt > 0 && toks.slice(0, declAt).every((t) => t.k === 'var' || t.k === ',')) {
    pipe.decl = toks.slice(0, declAt).flatMap((t) => (t.k === 'var' ? [t.name] : []));
    pipe.assign = toks[declAt]!.k === '=';
    body = toks.slice(declAt + 1);
  }
  let pos = 0;
  const parseOperand = (): Operand => {
    const t = body[pos++];
    if (!t) throw new TemplateError(`missing value in "${src}"`);
    switch (t.k) {
      case 'field':
        return { t: 'field', base: 'dot', path: t.path };
      case 'var':
        return { t: 'field', base: { var: t.name }, path: t.path };
      case 'ident':
        return { t: 'ident', name: t.name };
      case 'lit':
        return { t: 'lit', value: t.value };
      case '(': {
        let depth = 1;
        const start = pos;
        while (pos < body.length && depth > 0) {
          const k = body[pos++]!.k;
          if (k === '(') depth++;
          else if (k === ')') depth--;
        }
        if (depth !== 0) throw new TemplateError(`unclosed "(" in "${src}"`);
        return { t: 'field', base: { sub: parsePipeline(body.slice(start, pos - 1), src) }, path: [] };
      }
      default:
        throw new TemplateError(`unexpected "${t.k}" in "${src}"`);
    }
  };
  let cmd: Command = { args: [] };
  while (pos < body.length) {
    if (body[pos]!.k === '|') {
      if (cmd.args.length === 0) throw new TemplateError(`missing command before "|" in "${src}"`);
      pipe.cmds.push(cmd);
      cmd = { args: [] };
      pos++;
      continue;
    }
    cmd.args.push(parseOperand());
  }
  if (cmd.args.length === 0) throw new TemplateError(`empty pipeline in "${src}"`);
  pipe.cmds.push(cmd);
  return pipe;
}
