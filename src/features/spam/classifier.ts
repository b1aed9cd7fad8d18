// A naive Bayes spam classifier, trained by the moderators' decisions (approve = ham, spam =
// spam). A comment becomes a set of features (its words, the hosts it links to, a few shape
// features); each feature's share of spam and ham comments, Laplace-smoothed, adds its evidence
// to the log-odds. The model is counts only, so training is incremental and undoable; it lives
// in the database (spam.repository.ts) or, for evaluation, in memory (createMemoryModel).

export type SpamLabel = 'spam' | 'ham';

/** Below this many examples of either label the classifier has no opinion (an untrained site). */
export const MIN_DOCUMENTS_PER_LABEL = 10;
/** Scores at or above `spam` are spam; at or above `hold`, held for a moderator. */
export const SPAM_THRESHOLDS = { spam: 0.95, hold: 0.6 } as const;

export interface ClassifierInput {
  /** The Markdown the author wrote. */
  body: string;
  /** The rendered body, whose links (bare addresses included) are the links readers see. */
  bodyHtml: string;
  authorUrl: string | null;
}

const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu;

/** The comment's features, each once: presence, not frequency, is what counts. */
export function extractFeatures({ body, bodyHtml, authorUrl }: ClassifierInput): string[] {
  const features = new Set<string>();
  const text = body.normalize('NFKC');
  for (const word of text.toLowerCase().match(WORD) ?? []) {
    const token = word.replace(/['’]/g, '');
    if (token.length >= 2 && token.length <= 30) features.add(token);
  }
  const links = [...bodyHtml.matchAll(/<a\s[^>]*href="([^"]*)"/gi)].map((m) => m[1]!);
  features.add(`links:${links.length >= 3 ? '3+' : links.length}`);
  for (const href of links) addHost(features, 'host', href.replace(/&amp;/g, '&'));
  if (authorUrl) addHost(features, 'author-host', authorUrl);
  else features.add('author-host:none');
  const letters = text.match(/\p{L}/gu)?.length ?? 0;
  const capitals = text.match(/\p{Lu}/gu)?.length ?? 0;
  if (letters >= 20 && capitals / letters > 0.3) features.add('shape:shouting');
  if ((text.match(/!/g)?.length ?? 0) >= 3) features.add('shape:exclamations');
  if (/[$€£]\s?\d|\d\s?(?:usd|eur|gbp|dollars)\b/i.test(text)) features.add('shape:money');
  features.add(`length:${text.length < 80 ? 'short' : text.length < 400 ? 'medium' : 'long'}`);
  return [...features];
}

function addHost(features: Set<string>, prefix: string, href: string): void {
  let host: string;
  try {
    host = new URL(href).hostname.replace(/^www\./, '');
  } catch {
    return;
  }
  if (!host) return;
  features.add(`${prefix}:${host}`);
  features.add(`${prefix}-tld:${host.slice(host.lastIndexOf('.') + 1)}`);
}

export interface ModelTotals {
  spamDocuments: number;
  hamDocuments: number;
  /** Sum over spam documents of their feature counts. */
  spamTokenTotal: number;
  hamTokenTotal: number;
  /** Distinct features seen in either label. */
  vocabulary: number;
}

export interface TokenCounts {
  spam: number;
  ham: number;
}

export function isTrained(totals: ModelTotals): boolean {
  return totals.spamDocuments >= MIN_DOCUMENTS_PER_LABEL && totals.hamDocuments >= MIN_DOCUMENTS_PER_LABEL;
}

/**
 * P(spam | features) in 0..1, or null while the model is untrained. The prior is even, not the
 * ratio of decisions so far: moderators see mostly held comments, so that ratio says little about
 * the next comment. Features never seen are skipped: with Laplace smoothing they would only
 * favour whichever label has fewer tokens, which is noise.
 */
export function spamProbability(
  totals: ModelTotals,
  counts: ReadonlyMap<string, TokenCounts>,
  features: readonly string[],
): number | null {
  if (!isTrained(totals)) return null;
  const spamDenominator = totals.spamTokenTotal + totals.vocabulary;
  const hamDenominator = totals.hamTokenTotal + totals.vocabulary;
  let logOdds = 0;
  for (const feature of features) {
    const count = counts.get(feature);
    if (!count || count.spam + count.ham === 0) continue;
    logOdds += Math.log((count.spam + 1) / spamDenominator) - Math.log((count.ham + 1) / hamDenominator);
  }
  return 1 / (1 + Math.exp(-logOdds));
}

export interface MemoryModel {
  train(features: readonly string[], label: SpamLabel): void;
  score(features: readonly string[]): number | null;
}

/** The same model held in memory: for cross-validation and tests. */
export function createMemoryModel(): MemoryModel {
  const counts = new Map<string, TokenCounts>();
  const totals: ModelTotals = { spamDocuments: 0, hamDocuments: 0, spamTokenTotal: 0, hamTokenTotal: 0, vocabulary: 0 };
  return {
    train(features, label) {
      for (const feature of features) {
        let count = counts.get(feature);
        if (!count) {
          counts.set(feature, (count = { spam: 0, ham: 0 }));
          totals.vocabulary++;
        }
        count[label]++;
      }
      if (label === 'spam') {
        totals.spamDocuments++;
        totals.spamTokenTotal += features.length;
      } else {
        totals.hamDocuments++;
        totals.hamTokenTotal += features.length;
      }
    },
    score: (features) => spamProbability(totals, counts, features),
  };
}
