// The size of the moderation queue, which the metrics endpoint reports on every scrape. Its one
// way to the count: plugins do not import dashboard.repository.ts.
import * as repo from './dashboard.repository.ts';

/** Comments waiting in the moderation queue (those written since `since`, when given). */
export const countPendingComments = repo.countPendingComments;
