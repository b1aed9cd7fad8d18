// Row types of the spam defence's tables (migration 2026-11-24T1900-spam).
export interface UsedFormTokenTable {
  nonce: string;
  used_at: string;
}

/** In how many spam and ham comments a token appeared. */
export interface SpamTokenTable {
  token: string;
  spam: number;
  ham: number;
}

/** The classifier's totals: a single row, id 1. */
export interface SpamTotalsTable {
  id: number;
  spam_documents: number;
  ham_documents: number;
  spam_token_total: number;
  ham_token_total: number;
  vocabulary: number;
}
