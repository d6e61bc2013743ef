// login / logout: a token from Authentication.Login, kept 0600 for the next verbs.
import { connect } from '../connection.js';
import { credentialsFile, saveLogin } from '../credentials.js';
import { CliError, EXIT } from '../exit-codes.js';
import { print, printJson } from '../output.js';
import type { GlobalFlags } from './context.js';

export interface LoginFlags extends GlobalFlags {
  user?: string;
  passwordStdin?: boolean;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** Asks on the terminal without echoing what is typed. */
async function prompt(question: string): Promise<string> {
  const { stdin, stderr } = process;
  if (!stdin.isTTY)
    throw new CliError(
      'no password: use --password-stdin or RESTORA_PASSWORD when not on a terminal',
      EXIT.usage,
    );
  stderr.write(question);
  stdin.setRawMode(true);
  stdin.resume();
  let typed = '';
  try {
    return await new Promise<string>((resolve, reject) => {
      stdin.on('data', (buf: Buffer) => {
        for (const ch of buf.toString('utf8')) {
          if (ch === '\r' || ch === '\n') return resolve(typed);
          if (ch === '\u0003') return reject(new CliError('cancelled', EXIT.cancelled));
          typed = ch === '\u007f' ? typed.slice(0, -1) : typed + ch;
        }
      });
    });
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
    stderr.write('\n');
  }
}

export async function login(f: LoginFlags): Promise<number> {
  const c = connect(f.server, false);
  const username = f.user ?? process.env.RESTORA_USER;
  if (!username) throw new CliError('--user: required (or RESTORA_USER)', EXIT.usage);
  const password = f.passwordStdin
    ? await readStdin()
    : (process.env.RESTORA_PASSWORD ?? (await prompt(`password for ${username}: `)));
  const { token } = await c.auth.login({ username, password });
  await saveLogin(c.server, { user: username, token });
  if (f.json) printJson({ server: c.server, user: username, file: credentialsFile() });
  else print(`signed in to ${c.server} as ${username} (token saved in ${credentialsFile()})`);
  return 0;
}

export async function logout(f: GlobalFlags): Promise<number> {
  const c = connect(f.server, false);
  await saveLogin(c.server, undefined);
  if (f.json) printJson({ server: c.server, signedOut: true });
  else print(`signed out of ${c.server}`);
  return 0;
}
