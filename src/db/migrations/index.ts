// Every migration, in order. Listed statically so that nothing depends on reading a folder at run time.
import type { Migration } from 'kysely';
import * as initial from './2026-11-24T1800-initial.ts';
import * as spam from './2026-11-24T1900-spam.ts';
import * as staff from './2026-11-24T1910-staff.ts';
import * as editorial from './2026-11-24T1920-editorial.ts';
import * as ratingBands from './2026-11-24T2000-rating-bands.ts';
import * as discovery from './2026-11-25T0900-discovery.ts';
import * as search from './2026-11-25T0910-search.ts';
import * as revisionReview from './2026-11-25T1100-revision-review.ts';
import * as articleKind from './2026-12-04T0900-article-kind.ts';
import * as commentStaff from './2026-12-04T1200-comment-staff.ts';
import * as mail from './2026-12-04T1300-mail.ts';
import * as editsBans from './2026-12-04T1400-edits-bans.ts';
import * as externalThreads from './2026-12-04T1600-external-threads.ts';
import * as siteImport from './2026-12-04T1000-import.ts';
import * as webhooks from './2026-12-04T1610-webhooks.ts';
import * as importRuns from './2026-12-04T1100-import-reports.ts';
import * as counterDeltas from './2026-12-05T0200-counter-deltas.ts';
import * as staffTokens from './2026-12-05T0500-staff-tokens.ts';
import * as rateFunction from './2026-12-05T0600-rate-function.ts';
import * as revisionRating from './2026-12-05T0700-revision-rating.ts';
import * as searchDocuments from './2026-12-05T1200-search-documents.ts';
import * as menuPages from './2026-12-05T1300-menu-pages.ts';

export const migrations: Record<string, Migration> = {
  '2026-11-24T1800-initial': initial,
  '2026-11-24T1900-spam': spam,
  '2026-11-24T1910-staff': staff,
  '2026-11-24T1920-editorial': editorial,
  '2026-11-24T2000-rating-bands': ratingBands,
  '2026-11-25T0900-discovery': discovery,
  '2026-11-25T0910-search': search,
  '2026-11-25T1100-revision-review': revisionReview,
  '2026-12-04T0900-article-kind': articleKind,
  '2026-12-04T1000-import': siteImport,
  '2026-12-04T1200-comment-staff': commentStaff,
  '2026-12-04T1300-mail': mail,
  '2026-12-04T1400-edits-bans': editsBans,
  '2026-12-04T1600-external-threads': externalThreads,
  '2026-12-04T1610-webhooks': webhooks,
  '2026-12-04T1100-import-reports': importRuns,
  '2026-12-05T0200-counter-deltas': counterDeltas,
  '2026-12-05T0500-staff-tokens': staffTokens,
  '2026-12-05T0600-rate-function': rateFunction,
  '2026-12-05T0700-revision-rating': revisionRating,
  '2026-12-05T1200-search-documents': searchDocuments,
  '2026-12-05T1300-menu-pages': menuPages,
};
