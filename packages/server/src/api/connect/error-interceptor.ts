// Every handler error (unary or mid-stream) goes through the one mapper.
import type { Interceptor } from '@connectrpc/connect';
import { toConnectError } from './error-mapper.js';

export function errorInterceptor(log: (err: unknown) => void): Interceptor {
  return (next) => async (req) => {
    try {
      const res = await next(req);
      if (!res.stream) return res;
      return { ...res, message: mapStream(res.message, log) };
    } catch (e) {
      throw toConnectError(e, log);
    }
  };
}

async function* mapStream<T>(source: AsyncIterable<T>, log: (err: unknown) => void): AsyncIterable<T> {
  try {
    yield* source;
  } catch (e) {
    throw toConnectError(e, log);
  }
}
