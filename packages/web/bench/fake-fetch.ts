// A fake `fetch` speaking Connect JSON, so the bench and screenshots exercise the real client transport and
// JSON decoding while the "server" work (serialising 10k ops) is precomputed outside the measurement.
export type FakeHandler = (req: unknown) => string | object;
export type FakeStreamHandler = (req: unknown) => object[] | 'forever';

function envelope(flags: number, json: string): Uint8Array {
  const body = new TextEncoder().encode(json);
  const out = new Uint8Array(5 + body.length);
  out[0] = flags;
  new DataView(out.buffer).setUint32(1, body.length);
  out.set(body, 5);
  return out;
}

export function createFakeFetch(
  unary: Record<string, FakeHandler>,
  streams: Record<string, FakeStreamHandler>,
): typeof fetch {
  return async (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const method = url.pathname.split('/').pop() ?? '';
    const raw = init?.body;
    if (streams[method]) {
      const bytes = new Uint8Array(await new Response(raw as BodyInit).arrayBuffer());
      const req: unknown = JSON.parse(new TextDecoder().decode(bytes.subarray(5)) || '{}');
      const msgs = streams[method](req);
      const signal = init?.signal;
      const body = new ReadableStream<Uint8Array>({
        start(ctrl) {
          if (msgs === 'forever') {
            signal?.addEventListener('abort', () => ctrl.error(new DOMException('aborted', 'AbortError')));
            return;
          }
          for (const m of msgs) ctrl.enqueue(envelope(0, JSON.stringify(m)));
          ctrl.enqueue(envelope(2, '{}'));
          ctrl.close();
        },
      });
      return new Response(body, { status: 200, headers: { 'Content-Type': 'application/connect+json' } });
    }
    const h = unary[method];
    if (!h) {
      return new Response(JSON.stringify({ code: 'unimplemented', message: `fake backend: ${method}` }), {
        status: 501,
        headers: { 'Content-Type': 'application/json' },
      });
    }
    const text = typeof raw === 'string' ? raw : new TextDecoder().decode(raw as Uint8Array);
    const res = h(JSON.parse(text || '{}'));
    return new Response(typeof res === 'string' ? res : JSON.stringify(res), {
      status: 200,
      headers: { 'Content-Type': 'application/json' },
    });
  };
}
