import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BlobMetrics } from '../metrics.js';
import type { Quota } from '../quota.js';
import type { Store } from '../storage/types.js';

/** Everything a request handler needs, built once per server. */
export interface HandlerConfig {
  store: Store;
  appendOnly: boolean;
  verifyUpload: boolean;
  quota: Quota | undefined;
  metrics: BlobMetrics | undefined;
  log: (line: string) => void;
}

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  user: string;
  repo: string[];
  /** Response body bytes, for the access log. */
  sent: number;
}
