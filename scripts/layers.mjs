#!/usr/bin/env node
// Layer checker for packages/server/src: prints every import that runs up a layer and every import
// cycle between files, with counts, and exits 1 when there is any. No dependency: a regex over
// `import ... from '...'` / `export ... from '...'` / `import('...')`, relative paths resolved.
//
// Layers, top to bottom (a file may import its own layer or any lower one, never a higher one):
//   7 composition  app.ts, main.ts, index.ts, offline.ts, serve-flags.ts (package entries): the only place that
//                  wires everything
//   6 api          api/** (Connect handlers, REST routes, HTTP plumbing, the error table)
//   5 services     services/** (use-cases of both APIs), sync/** (multihost, a use-case over engine),
//                  auth/** (the identity model: users, sessions, API keys; the route guard's policy is
//                  data that api/ reads, so auth never imports api/)
//   4 engine       engine.ts
//   3 runtime      scheduler/**, tasks/**, hooks/**, index/**, snapshot-index/** (the snapshot index is a task's product)
//   2 state        oplog/**, config/**, secrets/**, console/** (the log lines of ops and config changes: it
//                  reads the oplog's events and config, nothing above) (sealing at rest is part of how state is stored:
//                  config-store seals and opens through secrets/, whose config-secrets.ts reads config's
//                  redaction rules, and oplog opens its database with secrets/private-file.ts; sideways
//                  imports inside a layer are allowed, file cycles are not)
//   0 shared       errors.ts (domain errors every layer throws), and packages outside src (restic, proto)
// Reach-throughs (fail the check): code above the engine that calls the scheduler through `engine.scheduler`
// instead of an engine method or a narrow injected port.
// Constructions (fail the check): the composition root (app.ts and compose*.ts) is the only place that builds a
// service. Listed is every `new X(` outside it where X is a class declared in src, except
//   - errors: X extends Error, directly or through another class (thrown, never wired);
//   - X's own file: a class building itself in a static factory or `open...()` beside it (the root calls that);
//   - data structures named in DATA_CLASSES below: in-memory state with no I/O and no collaborator, a private part
//     of the one object that builds it (each with why).
// Classes from outside src (Map, Set, Date, URL, AbortController, Buffer, restic's and Fastify's) never count, and
// protobuf messages are built with create(...), not `new`.
// Tests (*.test.ts) and test helpers (testing/, test-*.ts, fake-*.ts) compose real parts on purpose
// and are not checked.
//
// Usage: node scripts/layers.mjs [--quiet] [--root <src dir>]   (npm run layers)
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const rootArg = process.argv.indexOf('--root');
const ROOT =
  rootArg > 0
    ? resolve(process.argv[rootArg + 1])
    : resolve(dirname(fileURLToPath(import.meta.url)), '../packages/server/src');

const LAYERS = [
  ['composition', 7, /^(app|main|index|offline|serve-flags|compose(-[\w-]+)?)\.ts$/],
  ['api', 6, /^api\//],
  ['services', 5, /^(services|sync|auth)\//],
  ['engine', 4, /^engine(-[\w-]+)?\.ts$/],
  ['runtime', 3, /^(scheduler|tasks|hooks|index|snapshot-index)\//],
  ['state', 2, /^(oplog|config|secrets|console)\//],
  ['shared', 0, /^errors\.ts$/],
];

const isTest = (f) => /\.test\.ts$|(^|\/)testing\/|(^|\/)(test|fake)-[\w-]+\.ts$/.test(f);

function layerOf(file) {
  for (const [name, rank, re] of LAYERS) if (re.test(file)) return { name, rank };
  return undefined;
}

function walk(dir, out = []) {
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) out.push(relative(ROOT, p));
  }
  return out;
}

const IMPORT_RE =
  /(?:^|[;\s])(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]*?\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(file) {
  // strip comments so a `from '...'` inside a doc comment is not read as an import
  const src = readFileSync(join(ROOT, file), 'utf8').replace(/\/\*[\s\S]*?\*\/|(^|[^:\\])\/\/.*$/gm, '$1');
  const specs = [];
  for (const m of src.matchAll(IMPORT_RE)) specs.push(m[1] ?? m[2]);
  return specs;
}

function resolveSpec(from, spec) {
  if (!spec.startsWith('.')) return undefined;
  const base = join(dirname(from), spec);
  const candidates = [base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts')];
  return candidates.find((c) => existsSync(join(ROOT, c)));
}

const files = walk(ROOT)
  .filter((f) => !isTest(f))
  .sort();
const graph = new Map();
const unmapped = [];
for (const f of files) {
  if (!layerOf(f)) unmapped.push(f);
  graph.set(
    f,
    [...new Set(importsOf(f).map((s) => resolveSpec(f, s)))].filter((t) => t && !isTest(t)),
  );
}

const REACH_THROUGH = /\bengine\.scheduler\b/g;
const reach = [];
for (const f of graph.keys()) {
  if ((layerOf(f)?.rank ?? 0) <= 4) continue;
  const lines = readFileSync(join(ROOT, f), 'utf8').split('\n');
  lines.forEach((l, i) => {
    if (REACH_THROUGH.test(l)) reach.push(`${f}:${i + 1}: ${l.trim()}`);
    REACH_THROUGH.lastIndex = 0;
  });
}

// Constructions: see the header for the rule.
const COMPOSITION_ROOT = /^(app|compose(-[\w-]+)?)\.ts$/;
const DATA_CLASSES = {
  Issues: 'config validation collects problems in it, one per validate call',
  GoDuration: 'a template value (a Go time.Duration), like a Date',
  RateLimiter: "the login throttle's per-address and per-user windows",
  OpEmitter: "an oplog store's listener set",
  SummaryCache: "the SQLite oplog's dashboard cache",
  GcPlanner: "an oplog store's garbage-collection arrays, one per GC run",
  AsyncQueue: "a sync stream's outgoing buffer, one per stream",
  DirectionalCipher: "a sync session's key and nonce counter for one direction",
  PermissionSet: "a peer's parsed permission grants, one per connection",
};
// comments blanked, line breaks kept, so the line numbers printed are the file's
const stripComments = (src) =>
  src.replace(
    /\/\*[\s\S]*?\*\/|(^|[^:\\])\/\/.*$/gm,
    (m, pre = '') => pre + m.slice(pre.length).replace(/[^\n]/g, ' '),
  );
const sources = new Map(
  [...graph.keys()].map((f) => [f, stripComments(readFileSync(join(ROOT, f), 'utf8'))]),
);
const classes = new Map(); // name -> { file, base }
for (const [f, src] of sources)
  for (const m of src.matchAll(/\bclass\s+([A-Z]\w*)(?:\s*<[^{]*?>)?(?:\s+extends\s+([\w.]+))?/g))
    classes.set(m[1], { file: f, base: m[2] });
const isError = (name, seen = new Set()) => {
  if (name === 'Error' || (globalThis[name] && globalThis[name].prototype instanceof Error)) return true;
  const c = classes.get(name);
  if (!c?.base || seen.has(name)) return false;
  seen.add(name);
  return isError(c.base, seen);
};
const constructions = [];
for (const [f, src] of sources) {
  if (COMPOSITION_ROOT.test(f)) continue;
  src.split('\n').forEach((line, i) => {
    for (const m of line.matchAll(/\bnew\s+([A-Z]\w*)\s*[<(]/g)) {
      const c = classes.get(m[1]);
      if (!c || c.file === f || isError(m[1]) || m[1] in DATA_CLASSES) continue;
      constructions.push(`${f}:${i + 1}: new ${m[1]} (${c.file})`);
    }
  });
}

const upward = [];
for (const [from, tos] of graph) {
  const lf = layerOf(from);
  for (const to of tos) {
    const lt = layerOf(to);
    if (lf && lt && lt.rank > lf.rank) upward.push({ from, to, lf, lt });
  }
}

// Cycles: strongly connected components (Tarjan), then one shortest cycle through each component's
// first file, so every component with more than one file (or a self-import) is reported once.
function components() {
  let index = 0;
  const idx = new Map();
  const low = new Map();
  const stack = [];
  const on = new Set();
  const out = [];
  const visit = (v) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const comp = [];
      let w;
      do {
        w = stack.pop();
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(comp.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}

function shortestCycle(start, members) {
  const prev = new Map([[start, undefined]]);
  const queue = [start];
  while (queue.length) {
    const v = queue.shift();
    for (const w of graph.get(v) ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [v];
        while (prev.get(path[0]) !== undefined) path.unshift(prev.get(path[0]));
        return [...path, start];
      }
      if (!prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start];
}

const cycles = components().map((c) => ({ files: c, example: shortestCycle(c[0], new Set(c)) }));

const quiet = process.argv.includes('--quiet');
if (!quiet) {
  if (unmapped.length) console.log(`files in no layer (add them to LAYERS):\n  ${unmapped.join('\n  ')}\n`);
  if (upward.length) {
    console.log('upward imports (file -> imported file):');
    for (const u of upward) console.log(`  ${u.from} [${u.lf.name}] -> ${u.to} [${u.lt.name}]`);
    console.log('');
  }
  if (cycles.length) {
    console.log('import cycles (each: the files involved, then one cycle through them):');
    for (const c of cycles) console.log(`  ${c.files.length} files: ${c.example.join(' -> ')}`);
    console.log('');
  }
  if (constructions.length) {
    console.log('constructions outside the composition root (app.ts, compose*.ts):');
    for (const c of constructions) console.log(`  ${c}`);
    console.log('');
  }
  if (reach.length) {
    console.log('reach-throughs (engine internals used above the engine):');
    for (const r of reach) console.log(`  ${r}`);
    console.log('');
  }
}
const edges = [...graph.values()].reduce((n, t) => n + t.length, 0);
console.log(
  `layers: ${files.length} files, ${edges} imports; ${upward.length} upward imports, ` +
    `${cycles.length} import cycles (${cycles.reduce((n, c) => n + c.files.length, 0)} files in cycles), ` +
    `${unmapped.length} files in no layer; ${constructions.length} constructions outside the composition root; ` +
    `${reach.length} reach-throughs`,
);
const failed = upward.length || cycles.length || unmapped.length || constructions.length || reach.length;
process.exit(failed ? 1 : 0);
