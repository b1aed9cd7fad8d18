// `broadsheet user add|list`: staff accounts from the command line.
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { Services } from '../deps.ts';
import { CLI_ACTOR } from '../features/audit/audit.service.ts';
import { UsageError } from './usage-error.ts';

async function readStdin(): Promise<string> {
  let data = '';
  for await (const chunk of process.stdin) data += chunk;
  return data.replace(/\r?\n$/, '');
}

/**
 * Questions on the terminal, through one readline interface whose lines are read in order (a
 * line typed ahead waits for its question). Hidden answers (passwords) are not echoed.
 */
function terminal() {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  const output = rl as unknown as { _writeToOutput: (s: string) => void };
  const echo = output._writeToOutput.bind(rl);
  const lines = rl[Symbol.asyncIterator]();
  const ask = async (question: string, hidden = false) => {
    process.stderr.write(question);
    if (hidden) output._writeToOutput = () => {};
    const line = await lines.next();
    output._writeToOutput = echo;
    if (hidden) process.stderr.write('\n');
    if (line.done) throw new UsageError('no answer was given');
    return hidden ? line.value : line.value.trim();
  };
  return { ask, close: () => rl.close() };
}

export async function userCommand({ staff }: Pick<Services, 'staff'>, args: string[]): Promise<number> {
  const [action, ...rest] = args;
  if (action === 'list') {
    for (const u of await staff.list())
      console.log(`${u.id}\t${u.role.padEnd(9)}\t${u.email}\t${u.displayName}${u.disabled ? '\t(disabled)' : ''}`);
    return 0;
  }
  if (action !== 'add') throw new UsageError('user needs add or list');
  const { values } = parseArgs({
    args: rest,
    options: {
      email: { type: 'string' },
      role: { type: 'string' },
      name: { type: 'string' },
      'password-stdin': { type: 'boolean' },
    },
  });
  if (!values.email || !values.role)
    throw new UsageError('user add needs --email and --role (admin, editor, author or moderator)');
  // The name is the byline readers see: asked for, never made up from the e-mail address.
  let name = values.name;
  if (name === undefined && (!process.stdin.isTTY || values['password-stdin'])) {
    throw new UsageError(
      'user add needs --name "Their Name" (the name readers see on bylines) when not run on a terminal',
    );
  }
  let password: string | undefined;
  if (values['password-stdin']) password = await readStdin();
  else if (process.stdin.isTTY) {
    const tty = terminal();
    try {
      if (name === undefined) {
        name = await tty.ask('Name shown on bylines and staff replies: ');
        if (name === '') throw new UsageError('a name is needed: it is shown on bylines and staff replies');
      }
      password = await tty.ask('Password (leave empty for a printed one-time password): ', true);
      if (password === '') password = undefined;
      else if ((await tty.ask('Repeat the password: ', true)) !== password)
        throw new UsageError('the passwords do not match');
    } finally {
      tty.close();
    }
  }
  const { user, oneTimePassword } = await staff.createUser(
    { email: values.email, role: values.role, displayName: name, password },
    CLI_ACTOR,
  );
  console.log(`Created ${user.role} ${user.email} (id ${user.id}).`);
  if (oneTimePassword)
    console.log(`One-time password: ${oneTimePassword}\nIt must be changed at the first login at /admin/login.`);
  return 0;
}
