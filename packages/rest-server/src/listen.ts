import { fstatSync, readFileSync } from 'node:fs';
import { ConfigError } from './options.js';

export type ListenTarget =
  { kind: 'unix'; path: string } | { kind: 'tcp'; host: string | undefined; port: number };

/** Parses --listen like Go's net.Listen: `host:port`, `:port`, `[v6]:port` or `unix:/path`. */
export function parseListen(listen: string): ListenTarget {
  if (listen.startsWith('unix:')) {
    const path = listen.slice(5);
    if (path === '') throw new ConfigError(`invalid --listen ${listen}: empty socket path`);
    return { kind: 'unix', path };
  }
  const i = listen.lastIndexOf(':');
  if (i < 0) throw new ConfigError(`invalid --listen ${listen}: missing port`);
  let host = listen.slice(0, i);
  const portText = listen.slice(i + 1);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  const port = portText === '' ? 0 : Number(portText);
  if (!/^\d*$/.test(portText) || port > 65535) throw new ConfigError(`invalid --listen ${listen}: bad port`);
  return { kind: 'tcp', host: host === '' ? undefined : host, port };
}

/** Formats a bound address the way Go prints net.Addr. */
export function formatAddress(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/** The path of a listening unix socket by its fd, from /proc/net/unix (Linux); undefined when unknown. */
export function unixSocketPath(fd: number): string | undefined {
  try {
    const inode = String(fstatSync(fd).ino);
    // Columns: Num RefCount Protocol Flags Type St Inode Path
    for (const line of readFileSync('/proc/net/unix', 'latin1').split('\n')) {
      const cols = line.trim().split(/\s+/);
      if (cols[6] === inode && cols[7]) return cols[7];
    }
  } catch {
    // no such fd, or no /proc
  }
  return undefined;
}
