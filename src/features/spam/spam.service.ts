// Spam defence for the comment service: issues form tokens, gathers the facts the moderation
// steps decide from (so the steps stay pure), and teaches the classifier from moderators.
import type { Db } from '../../db/database.ts';
import type { CommentDraft } from '../comments/comment-validation.ts';
import type { SettingsService } from '../settings/settings.service.ts';
import { findBlockListHit } from './block-lists.ts';
import { extractFeatures, isTrained, spamProbability, type ClassifierInput, type SpamLabel } from './classifier.ts';
import { commentText, countLinks, findDuplicate } from './content-rules.ts';
import {
  checkFormToken,
  FORM_TOKEN_LIFETIME_MS,
  issueSharedFormToken,
  renewFormToken,
  type FormTokenVerdict,
} from './form-token.ts';
import * as repo from './spam.repository.ts';
import type { SpamFacts } from '../comments/moderation-types.ts';

/** What the reader's request carried, beyond the comment itself. */
export interface Submission {
  /** The client's address at post time, for the IP block list. Never stored. */
  ip: string;
  /** The form token the post carried; null when it carried none (the JSON API, scripts). */
  formToken: string | null;
  /** The honeypot input's value; '' when empty or absent. */
  honeypot: string;
}

export interface SpamAssessment {
  facts: SpamFacts;
  /** For comments.body_hash, so later copies are found. */
  bodyHash: string;
}

/** A stored comment, as much of it as training needs. */
export interface TrainableComment {
  id: number;
  body_markdown: string;
  body_html: string;
  author_url: string | null;
  trained_as: SpamLabel | null;
}

export interface SpamDefence {
  /**
   * A fresh personal token for the article's comment form; `previous`, the one a form came back with, keeps its time.
   */
  issueFormToken(articleId: number, previous?: string): string;
  /** The token for the article's shared (cached) page. */
  issueSharedFormToken(articleId: number): string;
  /**
   * Runs inside the comment's transaction: a valid token's nonce is recorded there, so it is used
   * up exactly when the comment is stored. Without a submission (imports, seed data) the request
   * checks are skipped; the content checks still run.
   */
  assess(
    trx: Db,
    comment: { articleId: number; draft: CommentDraft; bodyHtml: string; submission?: Submission; now: string },
  ): Promise<SpamAssessment>;
  /** Teaches the classifier a moderator's verdict, first taking back an opposite one. */
  learn(trx: Db, comment: TrainableComment, label: SpamLabel): Promise<void>;
}

/** Used nonces are pruned at most this often per instance, in the course of a post. */
const PRUNE_INTERVAL_MS = 60 * 60 * 1000;

export function createSpamDefence(deps: { settings: SettingsService; formTokenKey: string }): SpamDefence {
  const { settings, formTokenKey } = deps;
  let lastPrune = 0;

  async function formTokenVerdict(
    trx: Db,
    articleId: number,
    submission: Submission,
    now: string,
  ): Promise<FormTokenVerdict> {
    const nowMs = Date.parse(now);
    const check = checkFormToken(formTokenKey, submission.formToken, {
      articleId,
      now: nowMs,
      minSeconds: settings.get().minFormSeconds,
    });
    if (check.verdict !== 'valid' || check.shared) return check.verdict;
    if (nowMs - lastPrune > PRUNE_INTERVAL_MS) {
      lastPrune = nowMs;
      // A token is refused as expired after its lifetime, so its nonce need not be kept longer.
      await repo.pruneFormTokenNonces(trx, new Date(nowMs - FORM_TOKEN_LIFETIME_MS).toISOString());
    }
    return (await repo.recordFormTokenNonce(trx, check.nonce!, now)) ? 'valid' : 'replayed';
  }

  async function classify(trx: Db, input: ClassifierInput): Promise<number | null> {
    const totals = await repo.loadSpamTotals(trx);
    if (!isTrained(totals)) return null;
    const features = extractFeatures(input);
    return spamProbability(totals, await repo.loadTokenCounts(trx, features), features);
  }

  return {
    issueFormToken: (articleId, previous) => renewFormToken(formTokenKey, previous, articleId),
    issueSharedFormToken: (articleId) => issueSharedFormToken(formTokenKey, articleId),

    async assess(trx, { articleId, draft, bodyHtml, submission, now }) {
      const current = settings.get();
      const blockListHit = findBlockListHit(
        { emails: current.blockedEmails, ips: current.blockedIps, words: current.blockedWords },
        {
          email: draft.authorEmail,
          ip: submission?.ip ?? null,
          texts: [draft.body, draft.authorName, draft.authorUrl ?? ''],
        },
      );
      const text = commentText(draft.body);
      // Started together: on a `together` transaction (db/prepared.ts) their reads are one statement.
      const [formToken, duplicate, spamScore] = await Promise.all([
        submission ? formTokenVerdict(trx, articleId, submission, now) : null,
        findDuplicate(trx, { text, authorEmail: draft.authorEmail, now: new Date(now) }),
        classify(trx, { body: draft.body, bodyHtml, authorUrl: draft.authorUrl }),
      ]);
      const facts: SpamFacts = {
        blockListHit,
        honeypotFilled: (submission?.honeypot.trim() ?? '') !== '',
        formToken,
        duplicate,
        linkCount: countLinks(bodyHtml),
        maxLinks: current.maxLinks,
        spamScore,
      };
      return { facts, bodyHash: text.hash };
    },

    async learn(trx, comment, label) {
      if (comment.trained_as === label) return;
      const features = extractFeatures({
        body: comment.body_markdown,
        bodyHtml: comment.body_html,
        authorUrl: comment.author_url,
      });
      if (comment.trained_as !== null) await repo.untrainTokens(trx, features, comment.trained_as);
      await repo.trainTokens(trx, features, label);
      await repo.setTrainedAs(trx, comment.id, label);
    },
  };
}
