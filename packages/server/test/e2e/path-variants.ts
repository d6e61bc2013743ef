// Spellings of one request path that a router may take for it: percent-encoding of each character (upper and lower
// hex), of all of them, case changes, doubled slashes, dot segments, parameters and absolute-form targets.
const enc = (c: string, lower = false) => {
  const hex = c.charCodeAt(0).toString(16).padStart(2, '0');
  return `%${lower ? hex : hex.toUpperCase()}`;
};

export function pathVariants(path: string): string[] {
  const out = new Set<string>([path]);
  for (let i = 1; i < path.length; i++) {
    const c = path[i] ?? '';
    if (c === '/') continue;
    out.add(path.slice(0, i) + enc(c) + path.slice(i + 1));
    out.add(path.slice(0, i) + enc(c, true) + path.slice(i + 1));
  }
  const segments = path.split('/');
  out.add(segments.map((s) => [...s].map((c) => enc(c)).join('')).join('/'));
  out.add(path.toUpperCase());
  out.add(path.toLowerCase());
  out.add(`/${path}`);
  out.add(path.replace(/\/([^/]*)$/, '//$1'));
  out.add(`${path}/`);
  out.add(`/x/..${path}`);
  out.add(`/.${path}`);
  out.add(`/%2e${path}`);
  out.add(`/x/%2e%2e${path}`);
  out.add(path.replace(/\/([^/]*)$/, '/./$1'));
  out.add(path.replace(/\/([^/]*)$/, '/x/../$1'));
  out.add(path.replace(/\//g, '%2F'));
  out.add(`${path};x=1`);
  out.add(`${path}?x=1`);
  out.add(`${path}#x`);
  out.add(`${path}%00`);
  for (const p of [...out].filter((v) => v.startsWith('/')).slice(0, 8)) {
    out.add(`http://any.example${p}`);
    out.add(`HTTP://127.0.0.1${p}`);
  }
  return [...out];
}
