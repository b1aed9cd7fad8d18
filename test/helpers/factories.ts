// Test data through the services, the same way the app creates it.
import type { Services } from '../../src/app.ts';
import type { ArticleInput } from '../../src/features/articles/article.service.ts';

let n = 0;

export async function createArticle(services: Services, input: Partial<ArticleInput> = {}) {
  n++;
  const { article } = await services.articles.upsert({
    title: `Test article ${n}`,
    bodyMarkdown: `Paragraph one of article ${n}.\n\nParagraph two.`,
    authorName: 'Test Reporter',
    section: 'Local',
    ...input,
  });
  return article;
}

export function commentInput(overrides: Record<string, unknown> = {}) {
  n++;
  return {
    authorName: `Reader ${n}`,
    authorEmail: `reader${n}@example.org`,
    body: `A thoughtful comment number ${n}.`,
    ...overrides,
  };
}
