// The layering rule, checked on the sources: SQL lives in repositories only, and no code outside
// a feature calls that feature's repository (it goes through the feature's service or a narrow
// port the feature exports, such as articles/article-state.ts).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');

/** Every TypeScript source under src/, relative to the repository (`src/features/…`). */
function sources(dir = src): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.tsx?$/.test(entry.name) ? [relative(root, path)] : [];
  });
}

const isRepository = (file: string) => file.endsWith('.repository.ts');
/** `src/features/<feature>/…` → the feature; anything else is no feature's. */
const featureOf = (file: string) => /^src\/features\/([^/]+)\//.exec(file)?.[1];

// Where SQL may be written besides repositories: the database layer itself (connecting,
// migrations, prepared queries, backup and engine-to-engine copy work on tables as such), and the
// importer, whose format readers still write their rows directly.
const SQL_ALLOWED = [/^src\/db\//, /^src\/features\/importer\//];

const SQL_BUILDERS = [
  /\.(selectFrom|selectNoFrom|insertInto|replaceInto|updateTable|deleteFrom|mergeInto)\(/,
  /import\s*\{[^}]*\bsql\b[^}]*\}\s*from\s*'kysely'/,
];

const CROSS_FEATURE_ALLOWED = [
  // The editor is the articles' writer, in a folder of its own for its size: it writes the rows
  // the articles feature reads, through the same repository.
  /^src\/features\/article-editor\//,
  // The importer writes every imported entity's rows in one transaction per batch; it still calls
  // the articles' repository for them.
  /^src\/features\/importer\//,
];

/** The repositories of another feature that a file imports for its values (type-only imports call nothing). */
function foreignRepositories(file: string, text: string): string[] {
  const own = featureOf(file);
  const found: string[] = [];
  for (const match of text.matchAll(/^import\s+(type\s+)?[^;]*?from\s+'([^']+)'/gm)) {
    if (match[1] || !match[2]!.startsWith('.')) continue;
    const target = relative(root, resolve(root, dirname(file), match[2]!));
    if (isRepository(target) && featureOf(target) !== own) found.push(target);
  }
  return found;
}

describe('layering', () => {
  const files = sources().map((file) => ({ file, text: readFileSync(join(root, file), 'utf8') }));

  it('writes SQL only in repositories', () => {
    const offenders = files
      .filter(({ file }) => !isRepository(file) && !SQL_ALLOWED.some((allowed) => allowed.test(file)))
      .filter(({ text }) => SQL_BUILDERS.some((builder) => builder.test(text)))
      .map(({ file }) => file);
    assert.deepEqual(offenders, [], 'these files build SQL outside a repository');
  });

  it("reaches another feature's data through its service or port, never its repository", () => {
    const offenders = files
      .filter(({ file }) => !isRepository(file) && !CROSS_FEATURE_ALLOWED.some((allowed) => allowed.test(file)))
      .flatMap(({ file, text }) => foreignRepositories(file, text).map((target) => `${file} → ${target}`));
    assert.deepEqual(offenders, [], "these files import another feature's repository");
  });

  it('finds what it looks for', () => {
    // The checks above pass vacuously if the patterns stop matching: the repositories match them.
    const repositories = files.filter(({ file }) => isRepository(file));
    assert.ok(repositories.some(({ text }) => SQL_BUILDERS[0]!.test(text)));
    assert.ok(repositories.some(({ text }) => SQL_BUILDERS[1]!.test(text)));
    assert.ok(
      foreignRepositories(
        'src/features/feeds/feed.service.ts',
        "import { findTags } from '../articles/article.repository.ts';",
      ).length === 1,
    );
  });
});
