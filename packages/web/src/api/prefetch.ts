import { fromJson } from '@bufbuild/protobuf';
import type { DescMessage, MessageShape } from '@bufbuild/protobuf';

// index.html starts the first view's requests before the app's scripts load (window.__restoraPrefetch).
declare global {
  interface Window {
    __restoraPrefetch?: Record<string, Promise<Response> | undefined>;
  }
}

/** The prefetched answer of a Backrest method, once; undefined when absent or failed (the caller asks again). */
export async function takePrefetched<T extends DescMessage>(
  method: string,
  schema: T,
): Promise<MessageShape<T> | undefined> {
  const pending = window.__restoraPrefetch?.[method];
  if (!pending) return undefined;
  delete window.__restoraPrefetch![method];
  try {
    const res = await pending;
    if (!res.ok) return undefined;
    return fromJson(schema, await res.json(), { ignoreUnknownFields: true });
  } catch {
    return undefined;
  }
}
