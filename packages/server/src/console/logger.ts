// The server's logger: pino, human lines on a TTY or when asked (`--log-format pretty`), JSON otherwise.
import pino, { type Logger } from 'pino';
import { prettyDestination, resolveLogFormat } from './pretty.js';

/** `/download/<token>` is a credential: never log it. */
const redactUrl = (url: string) => url.replace(/^\/download\/[^/]+/, '/download/<token>');

export function createLogger(level = 'info', format?: string): Logger {
  const options = {
    level,
    serializers: {
      req: (req: { method: string; url: string; ip?: string }) => ({
        method: req.method,
        url: redactUrl(req.url),
        remoteAddress: req.ip,
      }),
    },
  };
  return resolveLogFormat(format, process.stdout.isTTY === true) === 'pretty'
    ? pino(options, prettyDestination(process.stdout))
    : pino(options);
}
