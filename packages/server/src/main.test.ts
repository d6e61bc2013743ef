import { describe, expect, it } from 'vitest';
import { parseServeOptions, ServeOptionsError } from './main.js';

const env = { HOME: '/home/u' };

describe('parseServeOptions', () => {
  it('defaults to 127.0.0.1:9898 and XDG paths with every feature on', () => {
    const o = parseServeOptions({}, { ...env, XDG_CONFIG_HOME: '/cfg', XDG_DATA_HOME: '/data' });
    expect(o).toMatchObject({
      host: '127.0.0.1',
      port: 9898,
      configFile: '/cfg/restora/config.json',
      dataDir: '/data/restora',
      logLevel: 'info',
      features: { pathAutocomplete: true, runCommand: true, commandHooks: true, repoPrograms: true },
    });
    expect(o.resticCommand).toBeUndefined();
  });

  it('reads RESTORA_* env; flags win; a bare port listens on all interfaces', () => {
    const fromEnv = parseServeOptions(
      {},
      {
        ...env,
        RESTORA_PORT: '9000',
        RESTORA_CONFIG: '/c.json',
        RESTORA_DATA: '/d',
        RESTORA_RESTIC_COMMAND: '/r',
      },
    );
    expect(fromEnv).toMatchObject({
      host: '0.0.0.0',
      port: 9000,
      configFile: '/c.json',
      dataDir: '/d',
      resticCommand: '/r',
    });
    const flags = parseServeOptions(
      { bindAddress: '[::1]:0', dataDir: '/x' },
      { ...env, RESTORA_DATA: '/d' },
    );
    expect(flags).toMatchObject({ host: '::1', port: 0, dataDir: '/x' });
  });

  it("turns Zerobyte's dev panel on by ENABLE_DEV_PANEL or flag, never on a locked-down install", () => {
    expect(parseServeOptions({}, env).devPanel).toBeUndefined();
    expect(parseServeOptions({}, { ...env, ENABLE_DEV_PANEL: 'true' }).devPanel).toBe(true);
    expect(parseServeOptions({ enableDevPanel: true }, env).devPanel).toBe(true);
    expect(() => parseServeOptions({ enableDevPanel: true, lockedDown: true }, env)).toThrow(
      /--enable-dev-panel \(or ENABLE_DEV_PANEL\): a locked-down install/,
    );
  });

  it('locks down by flag or env', () => {
    expect(parseServeOptions({ lockedDown: true }, env).features).toEqual({
      pathAutocomplete: false,
      runCommand: false,
      commandHooks: false,
      repoPrograms: false,
    });
    expect(parseServeOptions({}, { ...env, RESTORA_DISABLE_RUN_COMMAND: 'yes' }).features).toEqual({
      pathAutocomplete: true,
      runCommand: false,
      commandHooks: true,
      repoPrograms: true,
    });
  });

  it("reads Zerobyte's WEBHOOK_ALLOWED_ORIGINS and WEBHOOK_TIMEOUT; none allowed and 60 s by default", () => {
    expect(parseServeOptions({}, env).webhooks).toEqual({ allowedOrigins: [], timeoutMs: 60_000 });
    const o = parseServeOptions(
      {},
      {
        ...env,
        WEBHOOK_ALLOWED_ORIGINS: 'https://hooks.example.com/, http://10.0.0.5:8080/x',
        WEBHOOK_TIMEOUT: '2.5',
      },
    );
    expect(o.webhooks).toEqual({
      allowedOrigins: ['https://hooks.example.com', 'http://10.0.0.5:8080'],
      timeoutMs: 2500,
    });
    expect(() =>
      parseServeOptions({}, { ...env, WEBHOOK_ALLOWED_ORIGINS: 'hooks.example.com', WEBHOOK_TIMEOUT: '0' }),
    ).toThrow(
      /--webhook-allowed-origins \(or WEBHOOK_ALLOWED_ORIGINS\): not an http\(s\) origin: "hooks.example.com"[\s\S]*--webhook-timeout \(or WEBHOOK_TIMEOUT\): must be a positive number of seconds, got "0"/,
    );
  });

  it('names every bad value at once', () => {
    let err: unknown;
    try {
      parseServeOptions(
        { bindAddress: 'host:99999', logLevel: 'loud' },
        { ...env, RESTORA_LOCKED_DOWN: 'perhaps' },
      );
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ServeOptionsError);
    const msg = (err as Error).message;
    expect(msg).toContain(
      '--bind-address (or RESTORA_PORT): must be host:port or port (0-65535), got "host:99999"',
    );
    expect(msg).toContain('--locked-down (or RESTORA_LOCKED_DOWN): must be true or false, got "perhaps"');
    expect(msg).toContain('--log-level (or RESTORA_LOG_LEVEL)');
  });

  it('takes trusted proxies as addresses or CIDRs and names a bad one', () => {
    expect(parseServeOptions({ trustedProxies: '127.0.0.1, 10.0.0.0/8,::1' }, env).trustedProxies).toEqual([
      '127.0.0.1',
      '10.0.0.0/8',
      '::1',
    ]);
    expect(parseServeOptions({}, env).trustedProxies).toBeUndefined();
    expect(() => parseServeOptions({}, { ...env, RESTORA_TRUSTED_PROXIES: '10.0.0.0/33,proxy' })).toThrow(
      /--trusted-proxies \(or RESTORA_TRUSTED_PROXIES\): not an IP address or CIDR: "10.0.0.0\/33", "proxy"/,
    );
  });
});
