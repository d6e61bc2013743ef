// The server a client verb talks to (--server, RESTORA_SERVER, else the local default) and its credentials.
import { createClient, type Client, type Interceptor } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { Authentication, Backrest } from '@restora/proto';
import { loadLogin } from './credentials.js';
import { CliError, EXIT } from './exit-codes.js';

const DEFAULT_SERVER = 'http://127.0.0.1:9898';

export interface Connection {
  server: string;
  backrest: Client<typeof Backrest>;
  auth: Client<typeof Authentication>;
}

/** `--server` as given, or RESTORA_SERVER, or the default; a bare host:port gets http://. */
export function serverUrl(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const raw = (flag ?? env.RESTORA_SERVER ?? DEFAULT_SERVER).trim();
  const url = /^[a-z]+:\/\//i.test(raw) ? raw : `http://${raw}`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CliError(`--server: not a URL: "${raw}"`, EXIT.usage);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new CliError(`--server: must be http:// or https://, got "${raw}"`, EXIT.usage);
  return parsed.toString().replace(/\/+$/, '');
}

/** The Authorization header: RESTORA_TOKEN, RESTORA_USER + RESTORA_PASSWORD (Basic), else `restora login`'s token. */
export function authorization(server: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.RESTORA_TOKEN) return `Bearer ${env.RESTORA_TOKEN}`;
  if (env.RESTORA_USER && env.RESTORA_PASSWORD !== undefined)
    return `Basic ${Buffer.from(`${env.RESTORA_USER}:${env.RESTORA_PASSWORD}`).toString('base64')}`;
  const stored = loadLogin(server);
  return stored ? `Bearer ${stored.token}` : undefined;
}

export function connect(flag: string | undefined, withAuth = true): Connection {
  const server = serverUrl(flag);
  const header = withAuth ? authorization(server) : undefined;
  const interceptors: Interceptor[] = header
    ? [
        (next) => (req) => {
          req.header.set('authorization', header);
          return next(req);
        },
      ]
    : [];
  const transport = createConnectTransport({ baseUrl: server, httpVersion: '1.1', interceptors });
  return {
    server,
    backrest: createClient(Backrest, transport),
    auth: createClient(Authentication, transport),
  };
}
