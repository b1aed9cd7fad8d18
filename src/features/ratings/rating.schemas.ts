import { Type } from '@sinclair/typebox';

export const NewRatingSchema = Type.Object(
  {
    value: Type.Integer({
      minimum: 0,
      maximum: 100,
      description: 'The rating in percent. On a five-star scale: 20, 40, 60, 80 or 100.',
    }),
  },
  { additionalProperties: false },
);

export const RateResultSchema = Type.Object({
  score: Type.Union([Type.Integer(), Type.Null()]),
  count: Type.Integer(),
  yourRating: Type.Integer(),
});
