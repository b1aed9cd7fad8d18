// SQLite's group commit (src/db/sqlite-driver.ts): concurrent transactions share COMMITs, yet
// each one keeps or loses its own work alone, and each is acknowledged only once committed.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { connect } from '../src/db/database.ts';

describe('SQLite group commit', () => {
  const dir = mkdtempSync(join(tmpdir(), 'broadsheet-group-commit-'));
  const path = join(dir, 'test.db');
  let db: Kysely<any>;

  before(async () => {
    db = connect({ kind: 'sqlite', path }) as unknown as Kysely<any>;
    await sql`create table items (id integer primary key, label text not null unique)`.execute(db);
  });

  after(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const count = async (q: Kysely<any>, prefix: string) =>
    Number(
      (
        await q
          .selectFrom('items')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('label', 'like', `${prefix}%`)
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('keeps every successful transaction and none of a failed one, when hundreds run at once', async () => {
    const outcomes = await Promise.allSettled(
      Array.from({ length: 300 }, (_, i) =>
        db.transaction().execute(async (trx) => {
          await trx
            .insertInto('items')
            .values({ label: `a-${i}-first` })
            .execute();
          await trx
            .insertInto('items')
            .values({ label: `a-${i}-second` })
            .execute();
          if (i % 7 === 0) throw new Error(`transaction ${i} gives up`);
          return i;
        }),
      ),
    );
    const failed = outcomes.filter((o) => o.status === 'rejected').length;
    assert.equal(failed, Math.ceil(300 / 7));
    assert.equal(
      await count(db, 'a-'),
      (300 - failed) * 2,
      'both rows of each successful transaction, none of the failed ones',
    );
    for (const [i, outcome] of outcomes.entries()) {
      const stored = await count(db, `a-${i}-`);
      assert.equal(stored, outcome.status === 'fulfilled' ? 2 : 0, `transaction ${i}`);
    }
  });

  it('a statement that fails inside one transaction does not disturb the others in its group', async () => {
    await db.insertInto('items').values({ label: 'b-taken' }).execute();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        db.transaction().execute(async (trx) => {
          await trx
            .insertInto('items')
            .values({ label: `b-${i}` })
            .execute();
          // Every fifth one collides with the unique label and fails on its second insert.
          await trx
            .insertInto('items')
            .values({ label: i % 5 === 0 ? 'b-taken' : `b-${i}-more` })
            .execute();
        }),
      ),
    );
    assert.equal(outcomes.filter((o) => o.status === 'rejected').length, 10);
    assert.equal(await count(db, 'b-'), 1 + 40 * 2);
  });

  it('what a transaction was told is committed is in the file for another connection to read', async () => {
    const done = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        db.transaction().execute((trx) =>
          trx
            .insertInto('items')
            .values({ label: `c-${i}` })
            .execute(),
        ),
      ),
    );
    assert.equal(done.length, 200);
    // A second connection to the same file sees only committed data.
    const other = connect({ kind: 'sqlite', path }) as unknown as Kysely<any>;
    try {
      assert.equal(await count(other, 'c-'), 200);
    } finally {
      await other.destroy();
    }
  });

  it('plain queries between transactions see a consistent count while writes are grouped', async () => {
    const writes = Array.from({ length: 100 }, (_, i) =>
      db.transaction().execute((trx) =>
        trx
          .insertInto('items')
          .values({ label: `d-${i}` })
          .execute(),
      ),
    );
    const reads = Array.from({ length: 20 }, () => count(db, 'd-'));
    await Promise.all(writes);
    for (const n of await Promise.all(reads)) assert.ok(n >= 0 && n <= 100);
    assert.equal(await count(db, 'd-'), 100);
  });
});
