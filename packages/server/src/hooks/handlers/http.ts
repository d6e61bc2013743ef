// The one outbound HTTP client of hooks and webhooks: node:http(s), so TLS checks and redirects are per request.
import http from 'node:http';
import https from 'node:https';

export interface HttpContext {
  signal: AbortSignal;
  /** Per-request timeout (default 30 s): Backrest's HTTP hooks had none (#243). */
  timeoutMs?: number;
  log?: (line: string) => void;
}

export interface HttpRequest {
  url: string;
  method?: 'GET' | 'POST';
  body?: string;
  /** Content-Type of the body (default text/plain); null sends none. */
  contentType?: string | null;
  headers?: Record<string, string>;
  /** What to call the target in messages (never the URL: it often embeds a token). */
  label: string;
  /** Follow 3xx Location headers (default true, like Backrest's Go client); false makes a 3xx an error. */
  followRedirects?: boolean;
  /** Skip certificate checks for this request only (it gets its own, unpooled connection). */
  insecureTls?: boolean;
  /** Quote the start of a failed response's body in the error (default true). */
  quoteResponse?: boolean;
}

export const DEFAULT_HOOK_TIMEOUT_MS = 30_000;
const MAX_REDIRECTS = 10;
const MAX_RESPONSE_BYTES = 64 * 1024;

interface Exchange {
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
  insecureTls: boolean;
  signal: AbortSignal;
}
interface Reply {
  status: number;
  location: string | undefined;
  text: string;
}

/** Sends one request; any non-2xx status or timeout is an error naming the target, never its URL. */
export async function sendHttp(req: HttpRequest, ctx: HttpContext): Promise<string> {
  const timeoutMs = ctx.timeoutMs ?? DEFAULT_HOOK_TIMEOUT_MS;
  const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(timeoutMs)]);
  const headers: Record<string, string> = { 'user-agent': 'restora-hook' };
  if (req.body !== undefined && req.contentType !== null)
    headers['content-type'] = req.contentType ?? 'text/plain; charset=utf-8';
  Object.assign(headers, req.headers);
  const x: Exchange = {
    method: req.method ?? 'POST',
    headers,
    body: req.body,
    insecureTls: !!req.insecureTls,
    signal,
  };
  ctx.log?.(`sending ${req.label} (${x.method}, ${req.body?.length ?? 0} bytes)`);
  let url: URL;
  try {
    url = new URL(req.url);
  } catch {
    throw new Error(`${req.label}: invalid URL`);
  }
  for (let hops = 0; ; hops++) {
    let res: Reply;
    try {
      res = await exchange(url, x);
    } catch (err) {
      if (ctx.signal.aborted) throw new Error(`${req.label}: cancelled`);
      if (signal.aborted) throw new Error(`${req.label}: no response within ${timeoutMs} ms`);
      throw new Error(`${req.label}: request failed: ${(err as Error).message}`);
    }
    const redirect = res.status >= 300 && res.status < 400 && res.location !== undefined;
    if (redirect && req.followRedirects !== false && hops < MAX_REDIRECTS) {
      url = redirectTarget(url, res.location!, res.status, x);
      continue;
    }
    if (res.status < 200 || res.status > 299) {
      const why = redirect && req.followRedirects === false ? ' (redirects are not followed)' : '';
      const quote = req.quoteResponse !== false && res.text ? `: ${res.text.slice(0, 200)}` : '';
      throw new Error(`${req.label}: unexpected HTTP status ${res.status}${why}${quote}`);
    }
    ctx.log?.(`${req.label}: HTTP ${res.status}`);
    return res.text;
  }
}

/** Where a redirect leads, adjusting `x` like fetch does: 303 (and 301/302 after POST) become a bodiless GET. */
function redirectTarget(from: URL, location: string, status: number, x: Exchange): URL {
  const to = new URL(location, from);
  if (to.origin !== from.origin) {
    // credentials meant for one origin must not travel to another
    for (const k of Object.keys(x.headers)) if (/^(authorization|cookie)$/i.test(k)) delete x.headers[k];
  }
  if (status === 303 || ((status === 301 || status === 302) && x.method === 'POST')) {
    x.method = 'GET';
    x.body = undefined;
    for (const k of Object.keys(x.headers)) if (/^content-/i.test(k)) delete x.headers[k];
  }
  return to;
}

function exchange(url: URL, x: Exchange): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const secure = url.protocol === 'https:';
    if (!secure && url.protocol !== 'http:') {
      reject(new Error(`unsupported protocol ${url.protocol}`));
      return;
    }
    const headers = { ...x.headers };
    if (x.body !== undefined) headers['content-length'] = String(Buffer.byteLength(x.body));
    const options: https.RequestOptions = {
      method: x.method,
      headers,
      signal: x.signal,
      ...(secure && x.insecureTls ? { rejectUnauthorized: false, agent: false } : {}),
    };
    const request = (secure ? https : http).request(url, options, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size >= MAX_RESPONSE_BYTES) return; // keep reading (the connection stays usable), stop storing
        chunks.push(c);
        size += c.length;
      });
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          location: res.headers.location,
          text: Buffer.concat(chunks).subarray(0, MAX_RESPONSE_BYTES).toString('utf8'),
        }),
      );
      res.on('error', reject);
      res.on('close', () => {
        if (!res.complete) reject(new Error('connection closed before the response ended'));
      });
    });
    request.on('error', reject);
    request.end(x.body);
  });
}
