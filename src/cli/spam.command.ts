// `broadsheet spam eval FILE`: the classifier's precision and recall on a labelled corpus.
// Works on the file alone: no database, no configuration.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CorpusError, crossValidate, formatEvalReport, readCorpus } from '../features/spam/spam-eval.ts';
import { UsageError } from './usage-error.ts';

export function spamCommand(args: string[]): number {
  const [action, ...rest] = args;
  if (action !== 'eval') throw new UsageError('spam needs a subcommand: spam eval FILE');
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { folds: { type: 'string', default: '5' }, seed: { type: 'string', default: '1' } },
  });
  const [file, ...extra] = positionals;
  if (!file || extra.length > 0) throw new UsageError('spam eval needs exactly one FILE');
  const folds = Number(values.folds);
  const seed = Number(values.seed);
  if (!Number.isInteger(folds) || folds < 2) throw new UsageError('--folds must be a whole number, 2 or more');
  if (!Number.isInteger(seed)) throw new UsageError('--seed must be a whole number');
  let csv: string;
  try {
    csv = readFileSync(file, 'utf8');
  } catch (error) {
    console.error(`broadsheet: cannot read ${file}: ${(error as Error).message}`);
    return 1;
  }
  try {
    console.log(formatEvalReport(crossValidate(readCorpus(csv), { folds, seed })));
    return 0;
  } catch (error) {
    if (!(error instanceof CorpusError)) throw error;
    console.error(`broadsheet: ${file}: ${error.message}`);
    return 1;
  }
}
