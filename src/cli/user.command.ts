// `broadsheet user add|list`: staff accounts from the command line.
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { Services } from '../app.ts';
import { CLI_ACTOR } from '../features/audit/audit.service.ts';
import { UsageError } from './usage-error.ts';

async function readStdin(): Promise<string> {
  let data = '';
  for await (const chunk of process.stdin) data += chunk;
  return data.replace(/\r?\n$/, '');
}

/** Asks a question on the terminal and returns the answer as typed. */
function ask(question: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    rl.question(question, (answer) => {
      rl.close();
      resolve(answer.trim());
    });
  });
}

/** Asks for a password on the terminal without echoing it. */
function prompt(question: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    const output = rl as unknown as { _writeToOutput: (s: string) => void };
    rl.question(question, (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
    output._writeToOutput = () => {};
    process.stderr.write(question);
  });
}

export async function userCommand({ staff }: Services, args: string[]): Promise<number> {
  const [action, ...rest] = args;
  if (action === 'list') {
    for (const u of await staff.list()) console.log(`${u.id}\t${u.role.padEnd(9)}\t${u.email}\t${u.displayName}${u.disabled ? '\t(disabled)' : ''}`);
    return 0;
  }
  if (action !== 'add') throw new UsageError('user needs add or list');
  const { values } = parseArgs({
    args: rest,
    options: { email: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' }, 'password-stdin': { type: 'boolean' } },
  });
  if (!values.email || !values.role) throw new UsageError('user add needs --email and --role (admin, editor, author or moderator)');
  // The name is the byline readers see: asked for, never made up from the e-mail address.
  let name = values.name;
  if (name === undefined) {
    if (!process.stdin.isTTY || values['password-stdin']) throw new UsageError('user add needs --name "Their Name" (the name readers see on bylines) when not run on a terminal');
    name = await ask('Name shown on bylines and staff replies: ');
    if (name === '') throw new UsageError('a name is needed: it is shown on bylines and staff replies');
  }
  let password: string | undefined;
  if (values['password-stdin']) password = await readStdin();
  else if (process.stdin.isTTY) {
    password = await prompt('Password (leave empty for a printed one-time password): ');
    if (password === '') password = undefined;
    else if ((await prompt('Repeat the password: ')) !== password) throw new UsageError('the passwords do not match');
  }
  const { user, oneTimePassword } = await staff.createUser({ email: values.email, role: values.role, displayName: name, password }, CLI_ACTOR);
  console.log(`Created ${user.role} ${user.email} (id ${user.id}).`);
  if (oneTimePassword) console.log(`One-time password: ${oneTimePassword}\nIt must be changed at the first login at /admin/login.`);
  return 0;
}
