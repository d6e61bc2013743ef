// The console people read: operation lifecycle, config changes, refused sign-ins (requests at debug: request-lines.ts).
import type { IncomingMessage } from 'node:http';
import type { Config } from '@restora/proto';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { OpLog } from '../oplog/types.js';
import { withActor } from './actor.js';
import { configChangeLogger } from './config-lines.js';
import { logOperations } from './op-lines.js';

export { createLogger } from './logger.js';
export { DebugRequestLines } from './request-lines.js';
export { detectRestic, logRestic, resticGaps, type ResticGap } from './restic-version.js';

export interface ConsoleSources {
  logger: Logger;
  oplog: Pick<OpLog, 'subscribe'>;
  config: { subscribe(listener: (next: Config, prev: Config) => void): () => void };
  /** The user a request was authenticated as (undefined on open routes). */
  userOf: (req: IncomingMessage) => string | undefined;
}

/** Hooks the console lines up; returns the unsubscribe for shutdown. */
export function installConsole(app: FastifyInstance, s: ConsoleSources): () => void {
  app.addHook('preHandler', (req, _reply, done) => {
    withActor({ user: s.userOf(req.raw), ip: req.ip }, done);
  });
  const offOps = logOperations(s.oplog, s.logger);
  const offConfig = s.config.subscribe(configChangeLogger(s.logger));
  return () => {
    offOps();
    offConfig();
  };
}

/** A refused password check, as a warn line naming the user and the address (never the password). */
export function refusedLoginLogger(logger: Logger) {
  return (user: string, ip: string, reason: string) => logger.warn({ user, ip, reason }, 'sign-in refused');
}
