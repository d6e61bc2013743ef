import { describe, expect, it } from 'vitest';
import { formatAddress, parseListen } from './listen.js';
import { resolveTls } from './tls.js';

describe('parseListen', () => {
  it('parses Go-style addresses and unix sockets', () => {
    expect(parseListen(':8000')).toEqual({ kind: 'tcp', host: undefined, port: 8000 });
    expect(parseListen('127.0.0.1:0')).toEqual({ kind: 'tcp', host: '127.0.0.1', port: 0 });
    expect(parseListen('[::1]:80')).toEqual({ kind: 'tcp', host: '::1', port: 80 });
    expect(parseListen('unix:/run/rest.sock')).toEqual({ kind: 'unix', path: '/run/rest.sock' });
    expect(() => parseListen('nocolon')).toThrow(/missing port/);
    expect(() => parseListen('h:99999')).toThrow(/bad port/);
    expect(formatAddress('::', 8000)).toBe('[::]:8000');
    expect(formatAddress('127.0.0.1', 1)).toBe('127.0.0.1:1');
  });
});

describe('resolveTls (TestTLSSettings)', () => {
  it('refuses cert/key without --tls and bad min versions', () => {
    expect(resolveTls({}, '/d')).toBeUndefined();
    expect(() => resolveTls({ tlsCert: 'c' }, '/d')).toThrow('requires enabled TLS');
    expect(() => resolveTls({ tlsKey: 'k' }, '/d')).toThrow('requires enabled TLS');
    expect(() => resolveTls({ tlsMinVer: '1.1' }, '/d')).toThrow(/Unsupported TLS min version/);
  });
  it('defaults key and cert to <path>/private_key and <path>/public_key', () => {
    expect(() => resolveTls({ tls: true }, '/nonexistent-dir')).toThrow(
      /\/nonexistent-dir\/private_key, \/nonexistent-dir\/public_key/,
    );
  });
});
