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
  contentType?: string;
  headers?: Record<string, string>;
  /** What to call the target in messages (never the URL: it often embeds a token). */
  label: string;
}

export const DEFAULT_HOOK_TIMEOUT_MS = 30_000;

/** Sends one request; any non-2xx status or timeout is an error naming the target, never its URL. */
export async function sendHttp(req: HttpRequest, ctx: HttpContext): Promise<string> {
  const timeoutMs = ctx.timeoutMs ?? DEFAULT_HOOK_TIMEOUT_MS;
  const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(timeoutMs)]);
  const headers: Record<string, string> = { 'user-agent': 'restora-hook', ...req.headers };
  if (req.body !== undefined) headers['content-type'] = req.contentType ?? 'text/plain; charset=utf-8';
  ctx.log?.(`sending ${req.label} (${req.method ?? 'POST'}, ${req.body?.length ?? 0} bytes)`);
  let res: Response;
  try {
    res = await fetch(req.url, { method: req.method ?? 'POST', headers, body: req.body, signal });
  } catch (err) {
    if (ctx.signal.aborted) throw new Error(`${req.label}: cancelled`);
    if (signal.aborted) throw new Error(`${req.label}: no response within ${timeoutMs} ms`);
    throw new Error(
      `${req.label}: request failed: ${(err as Error).cause ? String((err as Error).cause) : (err as Error).message}`,
    );
  }
  const text = await res.text().catch(() => '');
  if (res.status < 200 || res.status > 299) {
    throw new Error(
      `${req.label}: unexpected HTTP status ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}`,
    );
  }
  ctx.log?.(`${req.label}: HTTP ${res.status}`);
  return text;
}
