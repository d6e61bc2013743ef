import { describe, expect, it } from 'vitest';
import { resolvePaths } from './paths.js';

describe('resolvePaths', () => {
  const homeDir = '/home/u';
  it('defaults to ~/.config/restora/config.json and ~/.local/share/restora', () => {
    expect(resolvePaths({ env: {}, homeDir })).toEqual({
      configFile: '/home/u/.config/restora/config.json',
      dataDir: '/home/u/.local/share/restora',
    });
  });
  it('uses XDG dirs when set', () => {
    expect(resolvePaths({ env: { XDG_CONFIG_HOME: '/x/cfg', XDG_DATA_HOME: '/x/data' }, homeDir })).toEqual({
      configFile: '/x/cfg/restora/config.json',
      dataDir: '/x/data/restora',
    });
  });
  it('RESTORA_CONFIG / RESTORA_DATA beat XDG, and flags beat both', () => {
    const env = {
      XDG_CONFIG_HOME: '/x',
      RESTORA_CONFIG: '/etc/restora.json',
      RESTORA_DATA: '/var/lib/restora',
    };
    expect(resolvePaths({ env, homeDir })).toEqual({
      configFile: '/etc/restora.json',
      dataDir: '/var/lib/restora',
    });
    expect(resolvePaths({ env, homeDir, configFile: '/flag/c.json', dataDir: '/flag/d' })).toEqual({
      configFile: '/flag/c.json',
      dataDir: '/flag/d',
    });
  });
  it('ignores empty values and resolves relative paths', () => {
    const r = resolvePaths({ env: { RESTORA_CONFIG: '' }, homeDir, dataDir: 'rel' });
    expect(r.configFile).toBe('/home/u/.config/restora/config.json');
    expect(r.dataDir).toBe(`${process.cwd()}/rel`);
  });
});
