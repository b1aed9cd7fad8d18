// What other features' writes (a ban from a comment) may ask of a comment inside their own
// transactions: its stored row. Their one way to it: they do not import comment.repository.ts.
import * as repo from './comment.repository.ts';

/** The comment's row (its writer's address, hash, cookie and staff role included), or undefined. */
export const findCommentRow = repo.findCommentById;
