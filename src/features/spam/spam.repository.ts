// SQL for the spam defence: used form-token nonces, copies of a comment's text, and the
// classifier's counts. Functions take the database or a transaction first.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { prepared } from '../../db/prepared.ts';
import type { ModelTotals, SpamLabel, TokenCounts } from './classifier.ts';

type Q = Kysely<Database>;

// Every comment posted runs these: prepared once (db/prepared.ts).
const newNonce = prepared((db, v: { nonce: string; now: string }) =>
  db
    .insertInto('used_form_tokens')
    .values({ nonce: v.nonce, used_at: v.now })
    .onConflict((oc) => oc.column('nonce').doNothing()),
);
/** The copies of a text looked at: text copied more often than that is held as a recent copy anyway. */
export const COPIES_LOOKED_AT = 50;
// A constant limit, written into the SQL (db/sqlite-driver.ts): SQLite plans a query again for each new LIMIT value.
const commentsWithBody = prepared((db, v: { bodyHash: string }) =>
  db
    .selectFrom('comments')
    .select(['id', 'author_email', 'created_at'])
    .where('body_hash', '=', v.bodyHash)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(COPIES_LOOKED_AT),
);
const spamTotals = prepared((db) => db.selectFrom('spam_totals').selectAll().where('id', '=', 1));

/** Records a form token's nonce; false when it was already recorded (the token is replayed). */
export async function recordFormTokenNonce(db: Q, nonce: string, now: string): Promise<boolean> {
  // Insert-or-nothing decides atomically, so two posts racing with one token cannot both win.
  const result = await newNonce.execute(db, { nonce, now });
  return Number(result.numAffectedRows ?? 0n) === 1;
}

export async function pruneFormTokenNonces(db: Q, usedBefore: string): Promise<number> {
  const result = await db.deleteFrom('used_form_tokens').where('used_at', '<', usedBefore).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * The latest COPIES_LOOKED_AT comments with this body hash, newest first, in the order of its index (no sort): it runs
 * on every post.
 */
export function listCommentsWithBody(
  db: Q,
  bodyHash: string,
): Promise<{ id: number; author_email: string; created_at: string }[]> {
  return commentsWithBody.execute(db, { bodyHash }).then((result) => result.rows);
}

export async function loadSpamTotals(db: Q): Promise<ModelTotals> {
  const row = (await spamTotals.execute(db, {})).rows[0]!;
  return {
    spamDocuments: row.spam_documents,
    hamDocuments: row.ham_documents,
    spamTokenTotal: row.spam_token_total,
    hamTokenTotal: row.ham_token_total,
    vocabulary: row.vocabulary,
  };
}

export async function loadTokenCounts(db: Q, tokens: readonly string[]): Promise<Map<string, TokenCounts>> {
  if (tokens.length === 0) return new Map();
  const rows = await db
    .selectFrom('spam_tokens')
    .select(['token', 'spam', 'ham'])
    .where('token', 'in', tokens)
    .execute();
  return new Map(rows.map((row) => [row.token, { spam: row.spam, ham: row.ham }]));
}

/** Adds one document's features (unique) under a label. */
export async function trainTokens(db: Q, tokens: readonly string[], label: SpamLabel): Promise<void> {
  let added = 0;
  if (tokens.length > 0) {
    const rows = await db
      .insertInto('spam_tokens')
      .values(tokens.map((token) => ({ token, spam: label === 'spam' ? 1 : 0, ham: label === 'ham' ? 1 : 0 })))
      .onConflict((oc) =>
        oc.column('token').doUpdateSet((eb) => ({
          spam: eb('spam_tokens.spam', '+', eb.ref('excluded.spam')),
          ham: eb('spam_tokens.ham', '+', eb.ref('excluded.ham')),
        })),
      )
      .returning(['spam', 'ham'])
      .execute();
    // A row left at 0/0 is deleted (untrainTokens), so a count of 1 means the row is new.
    added = rows.filter((row) => row.spam + row.ham === 1).length;
  }
  await addToTotals(db, label, { documents: 1, tokens: tokens.length, vocabulary: added });
}

/** Takes back a document that was trained under `label` with these features. */
export async function untrainTokens(db: Q, tokens: readonly string[], label: SpamLabel): Promise<void> {
  let removed = 0;
  if (tokens.length > 0) {
    await db
      .updateTable('spam_tokens')
      .set(label, (eb) => eb(label, '-', 1))
      .where('token', 'in', tokens)
      .where(label, '>', 0)
      .execute();
    const result = await db
      .deleteFrom('spam_tokens')
      .where('token', 'in', tokens)
      .where('spam', '=', 0)
      .where('ham', '=', 0)
      .executeTakeFirst();
    removed = Number(result.numDeletedRows);
  }
  await addToTotals(db, label, { documents: -1, tokens: -tokens.length, vocabulary: -removed });
}

async function addToTotals(
  db: Q,
  label: SpamLabel,
  delta: { documents: number; tokens: number; vocabulary: number },
): Promise<void> {
  const documents = label === 'spam' ? 'spam_documents' : 'ham_documents';
  const tokens = label === 'spam' ? 'spam_token_total' : 'ham_token_total';
  await db
    .updateTable('spam_totals')
    .set(documents, (eb) => eb(documents, '+', delta.documents))
    .set(tokens, (eb) => eb(tokens, '+', delta.tokens))
    .set('vocabulary', (eb) => eb('vocabulary', '+', delta.vocabulary))
    .where('id', '=', 1)
    .execute();
}

export async function setTrainedAs(db: Q, commentId: number, label: SpamLabel): Promise<void> {
  await db.updateTable('comments').set({ trained_as: label }).where('id', '=', commentId).execute();
}
