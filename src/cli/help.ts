// Help texts of the commands that live in modules of their own, kept here so that printing them
// loads nothing else.
import { WEBHOOK_EVENTS } from '../features/webhooks/webhook.table.ts';

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

export const IMPORT_HELP = `Usage: broadsheet import [--create-articles] [--uploads DIR] [--published-at DATE]
                         [--section NAME] [--byline NAME] FILE…

Imports each file, telling its format by its content (.gz files too):
  a scraped article        prints the article's URL (from PUBLIC_URL; without it, its path)
  a WordPress export (WXR 1.0–1.2, WordPress or WordPress.com): posts, pages, comments, reader
                           scores and old addresses, with a progress bar and a report
Importing the same file again updates what it made; nothing is duplicated.

Options:
  --uploads DIR            a copy of wp-content/uploads: featured images are read from it
                           (nothing is fetched from the network)
  --create-articles        Disqus: a thread with no matching article becomes a draft holding
                           its comments
  --published-at DATE      a scraped article's publication date (2024-04-14, or
                           2024-04-14T09:30:00Z); without it, the time of its first import
  --section NAME           a scraped article's section
  --byline NAME            a scraped article's author; without it, the pages name the site`;

export const BACKUP_HELP = `Usage: broadsheet backup FILE

Writes one file holding everything: the database (every table, in one consistent snapshot) and
the media folder (MEDIA_DIR). Safe while the site runs and takes writes, on SQLite or PostgreSQL:
everything the site acknowledged before the backup started is in it. The file is written under
a temporary name and renamed when complete. It contains readers' e-mail addresses and staff
password hashes: keep it private. Restore it with 'broadsheet restore FILE'.`;

export const RESTORE_HELP = `Usage: broadsheet restore [--replace] FILE

Restores a file made by 'broadsheet backup' into DATABASE_URL and MEDIA_DIR (either engine: a
SQLite site's backup restores into PostgreSQL too). A database that already holds articles,
comments, ratings or staff is refused unless --replace is given. The database is restored in one
transaction: a damaged or truncated file changes nothing.`;

export const EXPORT_HELP = `Usage: broadsheet export --format json|wxr [--output FILE]

Writes the whole site to FILE (or to standard output), read in one consistent snapshot, so it
can run while the site serves.

  --format json   every article, static page, comment (threading, status), rating, tag,
                  section, setting and staff account (without password hashes or sessions), as
                  documented in docs/EXPORT.md; 'broadsheet import' reads it back
  --format wxr    WordPress eXtended RSS 1.2 for WordPress's importer (Tools → Import →
                  WordPress): articles as posts, static pages as pages, sections as categories,
                  tags, comments with threading and status, readers' scores as WP Review meta

Both contain readers' and staff e-mail addresses: keep the file private.`;

export const WEBHOOK_HELP = `Usage: broadsheet webhook add URL --events E[,E…]
       broadsheet webhook list

add   registers an endpoint and prints its signing secret (shown only this once).
      Events: ${WEBHOOK_EVENTS.join(', ')}.
list  prints each endpoint: id, URL, events, and whether it is paused.`;
