import { Type, type TSchema } from '@sinclair/typebox';
import { COMMENT_LIMITS } from './comment-validation.ts';

// Recursive: a comment carries its replies.
export const PublicCommentSchema = Type.Recursive(
  (Self: TSchema) =>
    Type.Object({
      id: Type.Integer(),
      parentId: Type.Union([Type.Integer(), Type.Null()]),
      authorName: Type.String(),
      authorUrl: Type.Union([Type.String(), Type.Null()]),
      staffRole: Type.Union([Type.String(), Type.Null()], {
        description: 'The role of the staff member who wrote it (from the admin); null for readers.',
      }),
      avatar: Type.String({
        description: 'Key of the avatar drawn from a keyed hash of the e-mail; the e-mail itself is never sent.',
      }),
      bodyHtml: Type.String({ description: 'Sanitised HTML.' }),
      createdAt: Type.String({ format: 'date-time' }),
      editedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
        description: 'When its author last edited it; null if never.',
      }),
      replies: Type.Array(Self),
    }),
  { $id: 'Comment' },
);

export const NewCommentSchema = Type.Object(
  {
    authorName: Type.String({ maxLength: COMMENT_LIMITS.name * 2 }),
    authorEmail: Type.String({ maxLength: COMMENT_LIMITS.email * 2 }),
    authorUrl: Type.Optional(Type.Union([Type.String({ maxLength: COMMENT_LIMITS.url * 2 }), Type.Null()])),
    body: Type.String({ maxLength: COMMENT_LIMITS.body * 2 }),
    parentId: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Null()])),
    notifyReplies: Type.Optional(
      Type.Boolean({
        description:
          'E-mail the author when someone replies (the first time, the address is asked to confirm). Ignored ' +
          'while the site sends no e-mail.',
      }),
    ),
  },
  { additionalProperties: false },
);

// A header, not a body field, so that the body stays exactly the documented contract.
export const FormTokenHeaders = Type.Object({
  'broadsheet-form-token': Type.Optional(
    Type.String({
      maxLength: 200,
      description:
        "The comment form's token: from GET /api/v1/articles/{id}/form-token (single use, timed from when it " +
        "was fetched), or the formToken input of an article page's form. Without a valid one the comment is " +
        'held for moderation.',
    }),
  ),
});

export const FormTokenSchema = Type.Object({
  formToken: Type.String({
    description:
      'Send it back in the comment form (formToken) or the Broadsheet-Form-Token header. It works once, and ' +
      'not sooner than a person writes.',
  }),
});

export const PostedCommentSchema = Type.Object({
  id: Type.Integer(),
  status: Type.Union([Type.Literal('approved'), Type.Literal('pending'), Type.Literal('spam'), Type.Literal('trash')]),
});

export const DEFAULT_THREADS_PER_PAGE = 50;
export const MAX_THREADS_PER_PAGE = 200;

export const CommentPageSchema = Type.Object({
  items: Type.Array(PublicCommentSchema, {
    description: 'Top-level comments of this page, each with all its replies.',
  }),
  next: Type.Union([Type.String({ format: 'uri' }), Type.Null()], {
    description: "The following page's URL, or null on the last page.",
  }),
});
