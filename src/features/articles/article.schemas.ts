import { Type } from '@sinclair/typebox';

export const RatingSummarySchema = Type.Object({
  score: Type.Union([Type.Integer({ minimum: 0, maximum: 100 }), Type.Null()], {
    description: 'Mean of all ratings in percent, rounded; null when unrated.',
  }),
  count: Type.Integer({ minimum: 0 }),
});

export const RatingBandSchema = Type.Object({ min: Type.Integer(), max: Type.Integer(), count: Type.Integer() });

const summaryFields = {
  id: Type.Integer(),
  slug: Type.String(),
  title: Type.String(),
  url: Type.String({ format: 'uri' }),
  publishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  rating: RatingSummarySchema,
  commentCount: Type.Integer({ minimum: 0 }),
};

export const ArticleSummarySchema = Type.Object(summaryFields, { $id: 'ArticleSummary' });

export const ArticleDetailSchema = Type.Object(
  {
    ...summaryFields,
    standfirst: Type.String(),
    authorName: Type.String(),
    section: Type.String(),
    tags: Type.Array(Type.String()),
    updatedAt: Type.String({ format: 'date-time' }),
    body: Type.String({ description: 'The article body as HTML.' }),
    commentsOpen: Type.Boolean(),
    rating: Type.Object({ ...RatingSummarySchema.properties, distribution: Type.Array(RatingBandSchema) }),
  },
  { $id: 'ArticleDetail' },
);

export const ListQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
});
