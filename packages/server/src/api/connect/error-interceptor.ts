// Every request passes the size/NUL/int64 limits first (a 400 naming the field); every handler error (unary or
// mid-stream) goes through the one mapper.
import type { Interceptor } from '@connectrpc/connect';
import { limitIssues } from '../../config/validate-sizes.js';
import { ValidationError } from '../../errors.js';
import { toConnectError } from './error-mapper.js';

export function errorInterceptor(log: (err: unknown) => void): Interceptor {
  return (next) => async (req) => {
    try {
      if (!req.stream) assertWithinLimits(req.message);
      const res = await next(req.stream ? { ...req, message: checkStream(req.message) } : req);
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

function assertWithinLimits(message: unknown): void {
  const issues = limitIssues(message);
  if (issues.length) throw new ValidationError(issues, 'invalid request');
}

async function* checkStream<T>(source: AsyncIterable<T>): AsyncIterable<T> {
  for await (const m of source) {
    assertWithinLimits(m);
    yield m;
  }
}
