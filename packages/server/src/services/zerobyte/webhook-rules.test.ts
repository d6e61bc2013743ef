import { describe, expect, it } from 'vitest';
import { backupWebhooksIssues, headerRecord, parseAllowedOrigins, webhookIssues } from './webhook-rules.js';

const settings = { allowedOrigins: ['https://hooks.example.com', 'http://10.0.0.5:8080'], timeoutMs: 1000 };

describe('backup webhook rules', () => {
  it('parses the allow-list as origins, naming entries that are not http(s) origins', () => {
    expect(
      parseAllowedOrigins(' https://hooks.example.com/, http://10.0.0.5:8080/x ,,https://A.example:443'),
    ).toEqual({
      origins: ['https://hooks.example.com', 'http://10.0.0.5:8080', 'https://a.example'],
      bad: [],
    });
    expect(parseAllowedOrigins('hooks.example.com,ftp://x')).toEqual({
      origins: [],
      bad: ['hooks.example.com', 'ftp://x'],
    });
    expect(parseAllowedOrigins('')).toEqual({ origins: [], bad: [] });
  });

  it('splits "Key: Value" header lines at the first colon', () => {
    expect(headerRecord(['Authorization: Bearer a:b', 'X-Empty:v ', 'nocolon'])).toEqual({
      Authorization: 'Bearer a:b',
      'X-Empty': 'v',
    });
  });

  it('accepts an allowed http(s) webhook and refuses other schemes and origins by field', () => {
    expect(webhookIssues({ url: 'https://hooks.example.com/pre?x=1' }, 'f', settings)).toEqual([]);
    expect(webhookIssues({ url: 'ftp://hooks.example.com/' }, 'f', settings)).toEqual([
      { path: 'f.url', message: 'must be an http:// or https:// URL' },
    ]);
    expect(webhookIssues({ url: 'http://hooks.example.com/' }, 'f', settings)).toEqual([
      {
        path: 'f.url',
        message: 'origin http://hooks.example.com is not allowed: add it to WEBHOOK_ALLOWED_ORIGINS',
      },
    ]);
    expect(
      webhookIssues({ url: 'https://hooks.example.com' }, 'f', { allowedOrigins: [], timeoutMs: 1 }),
    ).toHaveLength(1);
  });

  it('names bad header lines and oversized parts without quoting header values', () => {
    const issues = webhookIssues(
      {
        url: 'https://hooks.example.com',
        headers: ['Authorization: Bearer top-secret', 'Bad Name: top-secret', 'X-Empty:  '],
        body: 'x'.repeat(64 * 1024 + 1),
      },
      'backupWebhooks.pre',
      settings,
    );
    expect(issues.map((i) => i.path)).toEqual([
      'backupWebhooks.pre.headers[1]',
      'backupWebhooks.pre.headers[2]',
      'backupWebhooks.pre.body',
    ]);
    expect(JSON.stringify(issues)).not.toContain('top-secret');
    const many = Array.from({ length: 33 }, (_, i) => `X-H${i}: v`);
    expect(webhookIssues({ url: 'https://hooks.example.com', headers: many }, 'f', settings)).toEqual([
      { path: 'f.headers', message: 'at most 32 headers' },
    ]);
  });

  it('checks both phases of backupWebhooks; null means none', () => {
    expect(backupWebhooksIssues(null, settings)).toEqual([]);
    expect(
      backupWebhooksIssues(
        { pre: { url: 'https://hooks.example.com' }, post: { url: 'https://evil.example' } },
        settings,
      ).map((i) => i.path),
    ).toEqual(['backupWebhooks.post.url']);
  });
});
