import { text } from 'node:stream/consumers';

export interface AdminPasswordSources {
  /** `--admin-password`: works, but the password shows in the process list and shell history. */
  flag?: string;
  /** `--admin-password-stdin`: read the first line of standard input. */
  fromStdin?: boolean;
  /** `IMSOP_ADMIN_PASSWORD`. */
  env?: string;
}

/**
 * The first admin's password for `imsop org create`, from the first source that has one:
 * `--admin-password-stdin`, `--admin-password` (with a warning), `IMSOP_ADMIN_PASSWORD`,
 * standard input when it is not a terminal (a pipe or a file), else a prompt on the terminal
 * that does not echo what is typed (asked twice).
 * @throws Error when no password can be had or the two typed ones differ.
 */
export async function adminPassword(sources: AdminPasswordSources): Promise<string> {
  if (sources.fromStdin && sources.flag !== undefined)
    throw new Error('give either --admin-password or --admin-password-stdin, not both');
  if (sources.fromStdin) return firstLineOfStdin();
  if (sources.flag !== undefined) {
    process.stderr.write(
      'warning: --admin-password shows the password to other users of this machine (process list) and keeps it in shell history; prefer a prompt, --admin-password-stdin or IMSOP_ADMIN_PASSWORD\n',
    );
    return sources.flag;
  }
  if (sources.env) return sources.env;
  if (!process.stdin.isTTY) return firstLineOfStdin();
  const password = await promptHidden('Admin password: ');
  if ((await promptHidden('Repeat the admin password: ')) !== password) throw new Error('the two passwords differ');
  return password;
}

/** The first line of standard input, without its line ending (nothing else is trimmed). */
async function firstLineOfStdin(): Promise<string> {
  const [line] = (await text(process.stdin)).split(/\r?\n/, 1);
  if (!line) throw new Error('no admin password on standard input (give it as its first line)');
  return line;
}

/**
 * Reads one line from the terminal with echo off (raw mode, so nothing typed is shown):
 * Enter ends it, Backspace deletes, Ctrl-C aborts. Written here rather than pulled in as a
 * dependency: it is the CLI's only prompt.
 */
function promptHidden(question: string): Promise<string> {
  const input = process.stdin;
  process.stderr.write(question);
  input.setRawMode(true);
  input.setEncoding('utf8');
  input.resume();
  return new Promise((resolve, reject) => {
    let typed = '';
    const finish = (error?: Error) => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish();
        if (ch === '\u0003') return finish(new Error('cancelled'));
        if (ch === '\u007f' || ch === '\b') typed = [...typed].slice(0, -1).join('');
        else typed += ch;
      }
    };
    input.on('data', onData);
  });
}
