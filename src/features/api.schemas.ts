// Schemas shared by the JSON API: what routes validate and what they may send back.
// Response schemas decide what leaves the server: a field not listed here is never sent.
import { Type, type Static } from '@sinclair/typebox';

export const ErrorSchema = Type.Object(
  {
    error: Type.String({ description: 'Stable error code; branch on this, not on the message.' }),
    message: Type.String(),
    fields: Type.Optional(Type.Record(Type.String(), Type.String())),
  },
  { $id: 'Error' },
);

export const ArticleRef = Type.Object({
  id: Type.String({ description: 'Numeric article id, or the article slug.', minLength: 1, maxLength: 200 }),
});
export type ArticleRefParams = Static<typeof ArticleRef>;

export const errorResponses = {
  400: ErrorSchema,
  403: ErrorSchema,
  404: ErrorSchema,
  409: ErrorSchema,
  413: ErrorSchema,
  415: ErrorSchema,
  422: ErrorSchema,
  429: ErrorSchema,
} as const;
