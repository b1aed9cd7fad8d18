// What a comment's write asks of the bans, inside its own transaction: whether its writer is
// banned now. Its one way to the bans' rows: comments do not import ban.repository.ts.
import * as repo from './ban.repository.ts';

/** The ban in force on this address, address hash or reader cookie, if any. */
export const findActiveBan = repo.findActiveBan;
