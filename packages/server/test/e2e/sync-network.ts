// Where the fleet e2e runs its `restora serve` processes: each in its own network namespace joined by a bridge
// (ip netns + veth, made here and torn down here) when the machine allows (root and iproute2), else on loopback
// with a TCP proxy per client in front of the host. Either way `cut` breaks a client's link and `restore` mends it.
import { execFileSync } from 'node:child_process';
import net from 'node:net';
import type { Placement } from './sync-helpers.js';

export interface FleetNetwork {
  mode: 'netns' | 'loopback';
  /** Why this mode (shown in the test name). */
  why: string;
  place(name: string): Placement;
  /** The URL `client` uses to reach `hostUrl` (through its proxy on loopback). */
  route(client: string, hostUrl: string): Promise<string>;
  cut(client: string): Promise<void>;
  restore(client: string): Promise<void>;
  teardown(): Promise<void>;
}

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });

function netnsUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root: network namespaces need CAP_NET_ADMIN';
  try {
    execFileSync('ip', ['-V'], { stdio: 'ignore' });
  } catch {
    return 'iproute2 (ip) is not installed';
  }
  return undefined;
}

/**
 * One namespace per member with two links: `m<i>` on a management bridge the test reaches every instance over,
 * and `f<i>` on the fleet bridge the instances talk over. Cutting a client sets its fleet link down; the test
 * still reaches it. Each instance listens on all of its own namespace's addresses.
 */
function netns(names: string[]): FleetNetwork {
  const tag = `rs${process.pid % 100_000}`;
  const octet = process.pid % 250;
  const mgmt = `10.213.${octet}`;
  const fleet = `10.214.${octet}`;
  const made: (() => void)[] = [];
  const idx = (name: string) => {
    const i = names.indexOf(name);
    if (i < 0) throw new Error(`no fleet member ${name}`);
    return i;
  };
  const teardown = async () => {
    for (const undo of made.reverse())
      try {
        undo();
      } catch {
        // already gone (a namespace takes its veth end with it)
      }
    made.length = 0;
  };
  const bridge = (name: string, rootAddress?: string) => {
    ip('link', 'add', name, 'type', 'bridge');
    made.push(() => ip('link', 'del', name));
    if (rootAddress) ip('addr', 'add', rootAddress, 'dev', name);
    ip('link', 'set', name, 'up');
  };
  const link = (ns: string, br: string, outside: string, inside: string, address: string) => {
    ip('link', 'add', outside, 'type', 'veth', 'peer', 'name', inside);
    made.push(() => ip('link', 'del', outside));
    ip('link', 'set', inside, 'netns', ns);
    ip('link', 'set', outside, 'master', br);
    ip('link', 'set', outside, 'up');
    ip('-n', ns, 'addr', 'add', address, 'dev', inside);
    ip('-n', ns, 'link', 'set', inside, 'up');
  };
  try {
    bridge(`${tag}bm`, `${mgmt}.1/24`);
    bridge(`${tag}bf`);
    names.forEach((_, i) => {
      const ns = `${tag}n${i}`;
      ip('netns', 'add', ns);
      made.push(() => ip('netns', 'del', ns));
      ip('-n', ns, 'link', 'set', 'lo', 'up');
      link(ns, `${tag}bm`, `${tag}m${i}`, `${tag}mi${i}`, `${mgmt}.${10 + i}/24`);
      link(ns, `${tag}bf`, `${tag}f${i}`, `${tag}fi${i}`, `${fleet}.${10 + i}/24`);
    });
  } catch (e) {
    void teardown();
    throw e;
  }
  return {
    mode: 'netns',
    why: `each instance in its own network namespace (fleet ${fleet}.0/24, test access over ${mgmt}.0/24)`,
    place: (name) => ({
      bind: '0.0.0.0',
      address: `${mgmt}.${10 + idx(name)}`,
      wrap: ['ip', 'netns', 'exec', `${tag}n${idx(name)}`],
    }),
    route: (_client, hostUrl) => {
      const u = new URL(hostUrl);
      const i = names.findIndex((_, j) => u.hostname === `${mgmt}.${10 + j}`);
      return Promise.resolve(`http://${fleet}.${10 + i}:${u.port}`);
    },
    cut: (client) => Promise.resolve(void ip('link', 'set', `${tag}f${idx(client)}`, 'down')),
    restore: (client) => Promise.resolve(void ip('link', 'set', `${tag}f${idx(client)}`, 'up')),
    teardown,
  };
}

/** Loopback: a TCP proxy per client; a cut resets its connections and refuses new ones until restored. */
function loopback(why: string): FleetNetwork {
  const proxies = new Map<string, { down: boolean; sockets: Set<net.Socket>; server: net.Server }>();
  return {
    mode: 'loopback',
    why: `loopback (${why})`,
    place: () => ({ bind: '127.0.0.1', address: '127.0.0.1', wrap: [] }),
    async route(client, hostUrl) {
      const target = new URL(hostUrl);
      const p = { down: false, sockets: new Set<net.Socket>(), server: net.createServer() };
      p.server.on('connection', (c) => {
        if (p.down) return void c.destroy();
        const up = net.connect(Number(target.port), target.hostname);
        p.sockets.add(c).add(up);
        c.pipe(up).pipe(c);
        const drop = () => (c.destroy(), up.destroy(), p.sockets.delete(c), p.sockets.delete(up));
        c.on('error', drop).on('close', drop);
        up.on('error', drop).on('close', drop);
      });
      await new Promise<void>((r) => p.server.listen(0, '127.0.0.1', r));
      proxies.set(client, p);
      return `http://127.0.0.1:${(p.server.address() as net.AddressInfo).port}`;
    },
    async cut(client) {
      const p = proxies.get(client)!;
      p.down = true;
      p.sockets.forEach((s) => s.destroy());
    },
    async restore(client) {
      proxies.get(client)!.down = false;
    },
    async teardown() {
      for (const p of proxies.values()) {
        p.sockets.forEach((s) => s.destroy());
        await new Promise((r) => p.server.close(r));
      }
    },
  };
}

/** Namespaces where possible (RESTORA_E2E_LOOPBACK=1 forces loopback), else loopback; the result says which. */
export function fleetNetwork(names: string[]): FleetNetwork {
  if (process.env.RESTORA_E2E_LOOPBACK === '1') return loopback('RESTORA_E2E_LOOPBACK=1');
  const why = netnsUnavailable();
  if (why) return loopback(why);
  try {
    return netns(names);
  } catch (e) {
    return loopback(`ip netns failed: ${(e as Error).message.split('\n')[0]}`);
  }
}
