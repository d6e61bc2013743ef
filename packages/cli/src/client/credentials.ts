// Where `restora login` keeps its tokens: $XDG_CONFIG_HOME/restora (or ~/.config/restora), one file, mode 0600.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface StoredLogin {
  user: string;
  token: string;
}

type Store = Record<string, StoredLogin>;

export function credentialsFile(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
  return path.join(base, 'restora', 'cli-credentials.json');
}

function read(file: string): Store {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return {};
  }
  try {
    const j = JSON.parse(text) as unknown;
    return j && typeof j === 'object' ? (j as Store) : {};
  } catch {
    throw new Error(`${file} is not valid JSON: remove it and run \`restora login\` again`);
  }
}

export function loadLogin(server: string, file = credentialsFile()): StoredLogin | undefined {
  const entry = read(file)[server];
  return entry && typeof entry.token === 'string' ? entry : undefined;
}

/** Saves (or with `login` undefined, removes) the token for `server`: atomic, 0600, in a 0700 directory. */
export async function saveLogin(
  server: string,
  login: StoredLogin | undefined,
  file = credentialsFile(),
): Promise<void> {
  const store = read(file);
  if (login) store[server] = login;
  else delete store[server];
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  // the server's crash-safe writer (temp, fsync, rename); loaded only here to keep other verbs light
  const { writeFileAtomicSync } = await import('@restora/server/offline');
  writeFileAtomicSync(file, `${JSON.stringify(store, null, 2)}\n`, { mode: 0o600 });
}
