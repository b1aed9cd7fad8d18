// What a reader's privacy export and erasure ask of reply notifications: the comments an address
// follows, and forgetting the address with its subscriptions. Their one way to these rows:
// privacy does not import subscription.repository.ts.
import * as repo from './subscription.repository.ts';

export const readerSubscriptions = {
  /** The comments the address follows, with their articles. */
  of: repo.subscriptionsOf,
  /** Deletes the address (its subscriptions go with it); how many rows went. */
  forget: repo.deleteAddress,
};
