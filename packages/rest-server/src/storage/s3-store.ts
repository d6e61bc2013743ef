import type { Readable, Writable } from 'node:stream';
import type { AwsClient } from 'aws4fetch';
import type { ObjectType } from '../http/paths.js';
import { readSmallBody } from './body-writer.js';
import { ExistsError, IncompleteBodyError, RepoMissingError } from './errors.js';
import type { FileRef, ListEntry, ObjectReader, Store, WriteOptions } from './types.js';

export interface S3StoreOptions {
  /** Endpoint, bucket and optional key prefix, path style: `https://s3.example.com/bucket[/prefix]`. */
  url: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
  /** Signing region; default `us-east-1` (what most S3-compatible servers expect). */
  region?: string | undefined;
  /** Largest object accepted; bodies are held in memory until verified. Default 128 MiB, restic's largest pack. */
  maxObjectSize?: number | undefined;
  /** Keys per ListObjectsV2 page (at most 1000, S3's limit); smaller only in tests of the paging. */
  listPageSize?: number | undefined;
}

const ID_RE = /^[0-9a-f]{64}$/;
// The object that marks a repository created empty: S3 has no folders.
const REPO_MARKER = '.restora-repo';

/** An S3 request that failed; names the operation and the key, never a credential. */
export class S3Error extends Error {
  override name = 'S3Error';
}

/**
 * Store over an S3-compatible bucket, in rest-server's layout (`<repo>/data/<id[0:2]>/<id>`, other types flat):
 * the same keys restic's own s3 backend uses, so the repository can be opened with `restic -r s3:...` as well.
 * A body is verified (size, SHA-256) in memory before the PUT, so a bad upload never becomes visible; the PUT
 * carries `If-None-Match: *` so servers with conditional writes refuse to replace an object.
 */
export class S3Store implements Store {
  // aws4fetch loads on the first request: a server without --s3 that imports this package never loads it.
  private client: Promise<AwsClient> | undefined;
  private readonly credentials: ConstructorParameters<typeof AwsClient>[0];
  private readonly base: string;
  private readonly prefix: string;
  private readonly maxObjectSize: number;
  private readonly pageSize: number;

  constructor(opts: S3StoreOptions) {
    let url: URL;
    try {
      url = new URL(opts.url);
    } catch {
      throw new Error(`not a URL: ${opts.url}`);
    }
    const [bucket, ...prefix] = url.pathname.split('/').filter(Boolean);
    if (!bucket) throw new Error('S3 URL names no bucket (expected https://host/bucket[/prefix])');
    this.base = `${url.origin}/${bucket}`;
    this.prefix = prefix.map((p) => `${p}/`).join('');
    this.maxObjectSize = opts.maxObjectSize ?? 128 * 1024 * 1024;
    this.pageSize = Math.min(opts.listPageSize ?? 1000, 1000);
    this.credentials = {
      accessKeyId: opts.accessKeyId,
      secretAccessKey: opts.secretAccessKey,
      sessionToken: opts.sessionToken,
      service: 's3',
      region: opts.region ?? 'us-east-1',
    };
  }

  private repoPrefix(repo: readonly string[]): string {
    return this.prefix + repo.map((r) => `${r}/`).join('');
  }

  private key(file: FileRef): string {
    const repo = this.repoPrefix(file.repo);
    if (file.type === 'config') return `${repo}config`;
    if (file.type === 'data') return `${repo}data/${file.name.slice(0, 2)}/${file.name}`;
    return `${repo}${file.type}/${file.name}`;
  }

  private async request(
    method: string,
    key: string,
    init: { headers?: Record<string, string>; body?: Buffer; query?: Record<string, string> } = {},
  ): Promise<Response> {
    const url = new URL(`${this.base}/${key.split('/').map(encodeURIComponent).join('/')}`);
    for (const [k, v] of Object.entries(init.query ?? {})) url.searchParams.set(k, v);
    this.client ??= import('aws4fetch').then(({ AwsClient }) => new AwsClient(this.credentials));
    const client = await this.client;
    const signed = await client.sign(url.toString(), {
      method,
      headers: init.headers,
      ...(init.body ? { body: init.body } : {}),
    });
    return fetch(signed);
  }

  private async fail(res: Response, what: string): Promise<never> {
    const text = await res.text().catch(() => '');
    const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1] ?? res.statusText;
    throw new S3Error(`S3 ${what}: ${res.status} ${code}`);
  }

  private async head(key: string): Promise<number | undefined> {
    const res = await this.request('HEAD', key);
    if (res.status === 404) return undefined;
    if (!res.ok) return this.fail(res, `HEAD ${key}`);
    return Number(res.headers.get('content-length') ?? 0);
  }

  private async repoExists(repo: readonly string[]): Promise<boolean> {
    const page = await this.listPage(this.repoPrefix(repo), undefined, 1);
    return page.keys.length > 0;
  }

  async createRepo(repo: readonly string[]): Promise<void> {
    const key = this.repoPrefix(repo) + REPO_MARKER;
    const res = await this.request('PUT', key, { body: Buffer.alloc(0) });
    if (!res.ok) await this.fail(res, `PUT ${key}`);
  }

  stat(file: FileRef): Promise<number | undefined> {
    return this.head(this.key(file));
  }

  async open(file: FileRef): Promise<ObjectReader | undefined> {
    const key = this.key(file);
    const size = await this.head(key);
    if (size === undefined) return undefined;
    let open = true;
    const released = (): Promise<number> => Promise.reject(new Error('object reader already released'));
    const send = (dest: Writable, start: number, end: number): Promise<number> =>
      end < start ? Promise.resolve(0) : this.sendRange(key, dest, start, end);
    return {
      size,
      sendTo: (dest, start, end) => {
        if (!open) return released();
        open = false;
        return send(dest, start, end);
      },
      sendPart: (dest, start, end) => (open ? send(dest, start, end) : released()),
      close: () => {
        open = false;
      },
    };
  }

  /** Streams bytes [start, end] of `key` into `dest`, waiting for it to drain; resolves with the bytes accepted. */
  private async sendRange(key: string, dest: Writable, start: number, end: number): Promise<number> {
    const res = await this.request('GET', key, { headers: { Range: `bytes=${start}-${end}` } });
    if (!res.ok || !res.body) return this.fail(res, `GET ${key}`);
    let sent = 0;
    const reader = res.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (dest.destroyed) break; // the client went away
        sent += value.length;
        if (!dest.write(value))
          await new Promise<void>((resolve) => {
            const go = (): void => {
              dest.off('drain', go);
              dest.off('close', go);
              resolve();
            };
            dest.on('drain', go);
            dest.on('close', go);
          });
      }
    } finally {
      await reader.cancel().catch(() => undefined);
    }
    return sent;
  }

  async write(file: FileRef, body: Readable, opts: WriteOptions): Promise<number> {
    const key = this.key(file);
    const [existing, repoThere] = await Promise.all([
      this.head(key),
      file.type === 'config' ? this.repoExists(file.repo) : true,
    ]);
    if (existing !== undefined || !repoThere) {
      body.resume(); // drain so the answer can go out on this connection
      if (!repoThere) throw new RepoMissingError('repository does not exist');
      throw new ExistsError(`${file.type === 'config' ? 'config' : 'object'} already exists`);
    }
    if (opts.size !== undefined && opts.size > this.maxObjectSize) {
      body.resume();
      throw new IncompleteBodyError(
        `body of ${opts.size} bytes is over the ${this.maxObjectSize} byte limit`,
      );
    }
    const chunks = await readSmallBody(body, opts.size, opts.expectedSha256, this.maxObjectSize);
    const data = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    const headers: Record<string, string> = { 'If-None-Match': '*' };
    // The verified digest signs the payload: no second hash, and the server checks the bytes it received.
    if (opts.expectedSha256) headers['X-Amz-Content-Sha256'] = opts.expectedSha256;
    const res = await this.request('PUT', key, { headers, body: data });
    if (res.status === 412) throw new ExistsError('object already exists');
    if (!res.ok) await this.fail(res, `PUT ${key}`);
    return data.length;
  }

  async remove(file: FileRef): Promise<number | undefined> {
    const key = this.key(file);
    const size = await this.head(key);
    if (size === undefined) return undefined;
    const res = await this.request('DELETE', key);
    if (!res.ok && res.status !== 404) await this.fail(res, `DELETE ${key}`);
    return size;
  }

  async list(repo: readonly string[], type: ObjectType): Promise<AsyncIterable<ListEntry[]> | undefined> {
    if (!(await this.repoExists(repo))) return undefined;
    const prefix = `${this.repoPrefix(repo)}${type}/`;
    return this.pages(prefix, (rest) => {
      const name = type === 'data' ? rest.slice(3) : rest;
      // Only valid ids in their place: data/<id[0:2]>/<id>, others <type>/<id>.
      if (!ID_RE.test(name)) return undefined;
      return type !== 'data' || rest === `${name.slice(0, 2)}/${name}` ? name : undefined;
    });
  }

  private async *pages(
    prefix: string,
    nameOf: (rest: string) => string | undefined,
  ): AsyncIterable<ListEntry[]> {
    let token: string | undefined;
    do {
      const page = await this.listPage(prefix, token, this.pageSize);
      const out: ListEntry[] = [];
      for (const { key, size } of page.keys) {
        const name = nameOf(key.slice(prefix.length));
        if (name !== undefined) out.push({ name, size });
      }
      if (out.length > 0) yield out;
      token = page.next;
    } while (token);
  }

  private async listPage(
    prefix: string,
    token: string | undefined,
    max: number,
  ): Promise<{ keys: { key: string; size: number }[]; next: string | undefined }> {
    const query: Record<string, string> = { 'list-type': '2', prefix, 'max-keys': String(max) };
    if (token) query['continuation-token'] = token;
    const res = await this.request('GET', '', { query });
    if (!res.ok) return this.fail(res, `list ${prefix}`);
    const xml = await res.text();
    const keys = [...xml.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)].map(([, c = '']) => ({
      key: unescapeXml(/<Key>([^<]*)<\/Key>/.exec(c)?.[1] ?? ''),
      size: Number(/<Size>(\d+)<\/Size>/.exec(c)?.[1] ?? 0),
    }));
    const truncated = /<IsTruncated>true<\/IsTruncated>/.test(xml);
    const next = /<NextContinuationToken>([^<]*)<\/NextContinuationToken>/.exec(xml)?.[1];
    return { keys, next: truncated && next ? unescapeXml(next) : undefined };
  }

  async usage(): Promise<number> {
    let total = 0;
    for await (const page of this.pages(this.prefix, () => 'counted')) for (const e of page) total += e.size;
    return total;
  }
}

function unescapeXml(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}
