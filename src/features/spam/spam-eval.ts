// How well the classifier tells spam from ham: k-fold cross-validation over a labelled corpus
// (CSV, `text,label`, label spam or ham). Each fold is scored by a model trained on the other
// folds, exactly as the site's model is trained by moderators, only in memory.
import { renderCommentMarkdown } from '../../lib/markdown.ts';
import { createMemoryModel, extractFeatures, SPAM_THRESHOLDS, type SpamLabel } from './classifier.ts';

export class CorpusError extends Error {}

export interface CsvRecord {
  fields: string[];
  /** Line on which the record starts, counting from 1. */
  line: number;
}

/** RFC 4180: comma-separated; a field in double quotes may hold commas, line breaks and "" for a quote. */
export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  const input = text.replace(/^\uFEFF/, '');
  let fields: string[] = [];
  let field = '';
  // Whether the record has anything in it: a blank line is no record, but `""` is one empty field.
  let started = false;
  let line = 1;
  let recordLine = 1;
  const endRecord = () => {
    if (started) records.push({ fields: [...fields, field], line: recordLine });
    fields = [];
    field = '';
    started = false;
  };
  let i = 0;
  while (i < input.length) {
    const char = input[i]!;
    if (char === '"') {
      if (field !== '')
        throw new CorpusError(
          `line ${line}: a quote inside an unquoted field; quote the whole field and double the quote ("")`,
        );
      started = true;
      const opened = line;
      for (i++; ; i++) {
        if (i >= input.length) throw new CorpusError(`line ${opened}: a quoted field is never closed`);
        if (input[i] === '"' && input[i + 1] === '"') {
          field += '"';
          i++;
        } else if (input[i] === '"') {
          i++;
          break;
        } else {
          if (input[i] === '\n') line++;
          field += input[i];
        }
      }
      if (i < input.length && !',\r\n'.includes(input[i]!))
        throw new CorpusError(`line ${line}: text after a closing quote`);
    } else if (char === ',') {
      started = true;
      fields.push(field);
      field = '';
      i++;
    } else if (char === '\r' || char === '\n') {
      i += char === '\r' && input[i + 1] === '\n' ? 2 : 1;
      endRecord();
      line++;
      recordLine = line;
    } else {
      started = true;
      field += char;
      i++;
    }
  }
  endRecord();
  return records;
}

export interface LabelledText {
  text: string;
  label: SpamLabel;
  line: number;
}

/** The corpus's examples; a first row `text,label` is taken as a header. */
export function readCorpus(csv: string): LabelledText[] {
  const records = parseCsv(csv);
  const first = records[0]?.fields.map((f) => f.trim().toLowerCase());
  if (first?.[0] === 'text' && first[1] === 'label') records.shift();
  return records.map(({ fields, line }) => {
    if (fields.length !== 2)
      throw new CorpusError(`line ${line}: expected 2 fields (text,label), found ${fields.length}`);
    const [text, rawLabel] = fields as [string, string];
    const label = rawLabel.trim().toLowerCase();
    if (label !== 'spam' && label !== 'ham')
      throw new CorpusError(`line ${line}: the label must be spam or ham, not "${rawLabel}"`);
    if (text.trim() === '') throw new CorpusError(`line ${line}: the text is empty`);
    return { text, label, line };
  });
}

export interface ThresholdResult {
  verdict: string;
  threshold: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  trueNegatives: number;
  /** null when nothing was flagged (precision undefined). */
  precision: number | null;
  recall: number | null;
  f1: number | null;
}

export interface EvalResult {
  folds: number;
  spam: number;
  ham: number;
  /** Examples the model would not score (too little training data in their fold): counted as not spam. */
  unscored: number;
  thresholds: ThresholdResult[];
}

/** A small deterministic generator (mulberry32), so that a run can be repeated exactly. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled<T>(items: readonly T[], next: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

export function crossValidate(
  examples: readonly LabelledText[],
  options: { folds?: number; seed?: number } = {},
): EvalResult {
  const folds = options.folds ?? 5;
  const spam = examples.filter((e) => e.label === 'spam');
  const ham = examples.filter((e) => e.label === 'ham');
  if (!Number.isInteger(folds) || folds < 2)
    throw new CorpusError('the number of folds must be a whole number, 2 or more');
  if (spam.length < folds || ham.length < folds) {
    throw new CorpusError(
      `${folds}-fold cross-validation needs at least ${folds} examples of each label (found ${spam.length} ` +
        `spam, ${ham.length} ham)`,
    );
  }

  // Stratified: each fold gets its share of each label, so every fold is like the whole.
  const next = random(options.seed ?? 1);
  const foldOf = new Map<LabelledText, number>();
  for (const group of [spam, ham])
    shuffled(group, next).forEach((example, i) => {
      foldOf.set(example, i % folds);
    });
  const featuresOf = new Map(
    examples.map((e) => [
      e,
      extractFeatures({ body: e.text, bodyHtml: renderCommentMarkdown(e.text), authorUrl: null }),
    ]),
  );

  const scored: { label: SpamLabel; score: number | null }[] = [];
  for (let fold = 0; fold < folds; fold++) {
    const model = createMemoryModel();
    for (const example of examples)
      if (foldOf.get(example) !== fold) model.train(featuresOf.get(example)!, example.label);
    for (const example of examples)
      if (foldOf.get(example) === fold)
        scored.push({ label: example.label, score: model.score(featuresOf.get(example)!) });
  }

  const verdicts = [
    { verdict: 'spam', threshold: SPAM_THRESHOLDS.spam },
    { verdict: 'held or spam', threshold: SPAM_THRESHOLDS.hold },
  ];
  return {
    folds,
    spam: spam.length,
    ham: ham.length,
    unscored: scored.filter((s) => s.score === null).length,
    thresholds: verdicts.map(({ verdict, threshold }) => measure(verdict, threshold, scored)),
  };
}

function measure(
  verdict: string,
  threshold: number,
  scored: readonly { label: SpamLabel; score: number | null }[],
): ThresholdResult {
  const counts = { tp: 0, fp: 0, fn: 0, tn: 0 };
  for (const { label, score } of scored) {
    const flagged = score !== null && score >= threshold;
    if (flagged) label === 'spam' ? counts.tp++ : counts.fp++;
    else label === 'spam' ? counts.fn++ : counts.tn++;
  }
  const precision = counts.tp + counts.fp === 0 ? null : counts.tp / (counts.tp + counts.fp);
  const recall = counts.tp + counts.fn === 0 ? null : counts.tp / (counts.tp + counts.fn);
  const f1 =
    precision === null || recall === null || precision + recall === 0
      ? null
      : (2 * precision * recall) / (precision + recall);
  return {
    verdict,
    threshold,
    truePositives: counts.tp,
    falsePositives: counts.fp,
    falseNegatives: counts.fn,
    trueNegatives: counts.tn,
    precision,
    recall,
    f1,
  };
}

export function formatEvalReport(result: EvalResult): string {
  const ratio = (value: number | null) => (value === null ? '–' : value.toFixed(2)).padStart(9);
  const count = (value: number) => String(value).padStart(5);
  const total = result.spam + result.ham;
  const lines = [
    `Spam classifier, ${result.folds}-fold cross-validation on ${total} comments (${result.spam} spam, ` +
      `${result.ham} ham)`,
    '',
    'verdict'.padEnd(14) +
      'score'.padStart(7) +
      'precision'.padStart(11) +
      'recall'.padStart(9) +
      'F1'.padStart(9) +
      ['TP', 'FP', 'FN', 'TN'].map((h) => h.padStart(5)).join(''),
    ...result.thresholds.map(
      (t) =>
        `${t.verdict.padEnd(14)}${`≥ ${t.threshold.toFixed(2)}`.padStart(7)} ` +
        ` ${ratio(t.precision)}${ratio(t.recall)}${ratio(t.f1)}` +
        `${count(t.truePositives)}${count(t.falsePositives)}${count(t.falseNegatives)}${count(t.trueNegatives)}`,
    ),
    '',
    `Guessing "spam" at random would give precision ${(result.spam / total).toFixed(2)}.`,
  ];
  if (result.unscored > 0)
    lines.push(`${result.unscored} comments could not be scored (too few examples to train on) and count as not spam.`);
  return lines.join('\n');
}
