import type { Command, Node, Operand, Pipeline } from './ast.js';
import { TemplateError } from './ast.js';
import { builtins } from './builtins.js';
import { formatValue, truthy } from './values.js';

type Scope = Map<string, unknown>;

interface State {
  out: string[];
  vars: Scope[];
}

export function execute(nodes: Node[], data: unknown): string {
  const state: State = { out: [], vars: [new Map([['', data]])] };
  walk(nodes, data, state);
  return state.out.join('');
}

function walk(nodes: Node[], dot: unknown, st: State): void {
  for (const n of nodes) {
    switch (n.t) {
      case 'text':
        st.out.push(n.text);
        break;
      case 'action': {
        const v = evalPipe(n.pipe, dot, st);
        if (n.pipe.decl.length === 0) st.out.push(formatValue(v));
        break;
      }
      case 'if':
      case 'with': {
        const v = evalPipe(n.pipe, dot, st);
        st.vars.push(new Map());
        if (truthy(v)) walk(n.then, n.t === 'with' ? v : dot, st);
        else walk(n.else, dot, st);
        st.vars.pop();
        break;
      }
      case 'range': {
        const decl = n.pipe.decl;
        const v = evalPipe({ ...n.pipe, decl: [] }, dot, st);
        const entries = iterate(v);
        if (entries.length === 0) {
          walk(n.else, dot, st);
          break;
        }
        for (const [k, e] of entries) {
          const scope: Scope = new Map();
          if (decl.length === 1) scope.set(decl[0]!, e);
          if (decl.length === 2) {
            scope.set(decl[0]!, k);
            scope.set(decl[1]!, e);
          }
          st.vars.push(scope);
          walk(n.body, e, st);
          st.vars.pop();
        }
        break;
      }
    }
  }
}

function iterate(v: unknown): [unknown, unknown][] {
  if (v === null || v === undefined) return [];
  if (Array.isArray(v)) return v.map((e, i) => [i, e]);
  if (v instanceof Map) return [...v.entries()].sort(([a], [b]) => String(a).localeCompare(String(b)));
  if (typeof v === 'number' || typeof v === 'bigint')
    return Array.from({ length: Number(v) }, (_, i) => [i, i]);
  if (typeof v === 'object')
    return Object.keys(v)
      .sort()
      .map((k) => [k, (v as Record<string, unknown>)[k]]);
  throw new TemplateError(`range can't iterate over ${formatValue(v)}`);
}

function evalPipe(pipe: Pipeline, dot: unknown, st: State): unknown {
  let value: unknown;
  let first = true;
  for (const cmd of pipe.cmds) {
    value = evalCommand(cmd, dot, st, first ? undefined : { value });
    first = false;
  }
  if (pipe.decl.length > 0) {
    const name = pipe.decl[pipe.decl.length - 1]!;
    if (pipe.assign) {
      const scope = [...st.vars].reverse().find((s) => s.has(name));
      if (!scope) throw new TemplateError(`undefined variable: $${name}`);
      scope.set(name, value);
    } else st.vars[st.vars.length - 1]!.set(name, value);
  }
  return value;
}

function evalCommand(cmd: Command, dot: unknown, st: State, piped?: { value: unknown }): unknown {
  const [head, ...rest] = cmd.args;
  if (!head) throw new TemplateError('empty command');
  const args = () => {
    const a = rest.map((o) => evalOperand(o, dot, st));
    if (piped) a.push(piped.value);
    return a;
  };
  if (head.t === 'ident') {
    if (head.name === 'and' || head.name === 'or') return shortCircuit(head.name, rest, dot, st, piped);
    const fn = builtins[head.name];
    if (!fn) throw new TemplateError(`function "${head.name}" not defined`);
    return fn(...args());
  }
  if (head.t === 'field' && head.path.length > 0) {
    const { holder, value } = resolveField(head, dot, st);
    if (typeof value === 'function') return (value as (...a: unknown[]) => unknown).apply(holder, args());
    if (rest.length > 0 || piped)
      throw new TemplateError(`${head.path.join('.')} is not a method but has arguments`);
    return value;
  }
  if (rest.length > 0 || piped) throw new TemplateError("can't give argument to non-function");
  return evalOperand(head, dot, st);
}

function shortCircuit(
  op: 'and' | 'or',
  ops: Operand[],
  dot: unknown,
  st: State,
  piped?: { value: unknown },
): unknown {
  const thunks: (() => unknown)[] = ops.map((o) => () => evalOperand(o, dot, st));
  if (piped) thunks.push(() => piped.value);
  let v: unknown;
  for (const th of thunks) {
    v = th();
    if (op === 'and' ? !truthy(v) : truthy(v)) return v;
  }
  return v;
}

function evalOperand(o: Operand, dot: unknown, st: State): unknown {
  if (o.t === 'lit') return o.value;
  if (o.t === 'ident') {
    const fn = builtins[o.name];
    if (!fn) throw new TemplateError(`function "${o.name}" not defined`);
    return fn();
  }
  const { holder, value } = resolveField(o, dot, st);
  return typeof value === 'function' ? (value as () => unknown).call(holder) : value;
}

function resolveField(
  o: Operand & { t: 'field' },
  dot: unknown,
  st: State,
): { holder: unknown; value: unknown } {
  let cur: unknown;
  if (o.base === 'dot') cur = dot;
  else if ('var' in o.base) {
    const name = o.base.var;
    const scope = [...st.vars].reverse().find((s) => s.has(name));
    if (!scope) throw new TemplateError(`undefined variable: $${name}`);
    cur = scope.get(name);
  } else cur = evalPipe(o.base.sub, dot, st);
  let holder: unknown = undefined;
  o.path.forEach((name) => {
    if (typeof cur === 'function') cur = (cur as () => unknown).call(holder);
    holder = cur;
    cur = lookup(cur, name);
  });
  return { holder, value: cur };
}

// Go field names are PascalCase; protobuf-es and our vars use camelCase. Try both.
function lookup(obj: unknown, name: string): unknown {
  if (obj === null || obj === undefined) return undefined;
  if (obj instanceof Map) return obj.get(name);
  if (typeof obj !== 'object') return undefined;
  const rec = obj as Record<string, unknown>;
  if (name in rec) return rec[name];
  const camel = name[0]!.toLowerCase() + name.slice(1);
  if (camel in rec) return rec[camel];
  return undefined;
}
