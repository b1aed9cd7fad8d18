// Help texts of the commands that live in modules of their own, kept here so that printing them
// loads nothing else.

export const SPAM_HELP = `Usage: broadsheet spam eval FILE [--folds N] [--seed N]

Cross-validates the spam classifier on FILE, a CSV of text,label (label: spam or ham; an
optional header row text,label; RFC 4180 quoting), and prints precision, recall and F1 at the
scores where comments are held (0.60) and marked spam (0.95). --folds defaults to 5; --seed
changes how comments are dealt into folds.`;

export const MIGRATE_DATA_HELP = `Usage: broadsheet migrate-data --from URL --to URL [--replace]

Copies everything (articles, ratings, comments, staff, settings, secrets…) from one database to
another, keeping every id, e.g. from SQLite to PostgreSQL:

  broadsheet migrate-data --from sqlite:./data/broadsheet.db --to postgres://news@db/news

Both databases are first brought up to the latest schema. The target is replaced in a single
transaction and the row counts of every table are compared at the end: if anything fails, the
target is left as it was. Running it again copies everything again (safe to re-run). A target
that already holds a different site is refused unless --replace is given.
Stop the site (or keep it read-only) while copying: later writes are not copied.`;
