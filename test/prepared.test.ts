// Prepared queries (src/db/prepared.ts) on the engine under test: built once, run with new values
// each time, in and out of transactions, and refusing to run with a value missing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { Db } from '../src/db/database.ts';
import { anyRows, prepared, together } from '../src/db/prepared.ts';
import { openTestDb } from './helpers/test-app.ts';

describe('prepared queries', () => {
  let db: Db;
  let close: () => Promise<void>;
  before(async () => ({ db, close } = await openTestDb()));
  after(() => close());

  const put = prepared((q, v: { name: string; value: string }) =>
    q.insertInto('settings').values({ key: v.name, value: v.value }),
  );
  const get = prepared((q, v: { name: string }) =>
    q.selectFrom('settings').select(['key', 'value']).where('key', '=', v.name),
  );
  const rename = prepared((q, v: { from: string; to: string }) =>
    q.updateTable('settings').set({ key: v.to }).where('key', '=', v.from),
  );

  it('runs with the values of each call, not those of the first', async () => {
    for (const name of ['first', 'second', 'third'])
      await put.execute(db, { name: `prepared-${name}`, value: `${name} value` });
    assert.deepEqual((await get.execute(db, { name: 'prepared-second' })).rows, [
      { key: 'prepared-second', value: 'second value' },
    ]);
    assert.deepEqual((await get.execute(db, { name: 'prepared-none' })).rows, []);
  });

  it('runs inside a transaction, and rolls back with it', async () => {
    await db
      .transaction()
      .execute(async (trx) => {
        await rename.execute(trx, { from: 'prepared-first', to: 'prepared-renamed' });
        assert.equal((await get.execute(trx, { name: 'prepared-renamed' })).rows.length, 1);
        throw new Error('undo');
      })
      .catch(() => {});
    assert.equal((await get.execute(db, { name: 'prepared-renamed' })).rows.length, 0);
    assert.equal((await get.execute(db, { name: 'prepared-first' })).rows.length, 1);
  });

  it('refuses to run with a value missing, rather than send undefined', async () => {
    await assert.rejects(() => get.execute(db, {} as { name: string }), /no value for "name"/);
  });

  it('asks several lookups in one statement, each with its own values', async () => {
    await put.execute(db, { name: 'lookup-a', value: 'a' });
    const found = await anyRows(db, {
      present: { query: get, values: { name: 'lookup-a' } },
      absent: { query: get, values: { name: 'lookup-none' } },
      again: { query: get, values: { name: 'prepared-second' } },
    });
    assert.deepEqual(found, { present: true, absent: false, again: true });
  });

  it('runs queries started together as they run alone: reads, writes with and without RETURNING', async () => {
    const putting = prepared((q, v: { name: string; value: string }) =>
      q.insertInto('settings').values({ key: v.name, value: v.value }).returning(['key', 'value']),
    );
    await db.transaction().execute(async (trx) => {
      const q = together(trx);
      const [added, renamed, read, again, missing, found] = await Promise.all([
        putting.execute(q, { name: 'together-a', value: 'a' }),
        rename.execute(q, { from: 'prepared-third', to: 'together-third' }),
        get.execute(q, { name: 'prepared-second' }),
        // Asked twice: sent once, answered to both, each with rows of its own.
        get.execute(q, { name: 'prepared-second' }),
        get.execute(q, { name: 'together-none' }),
        anyRows(q, { second: { query: get, values: { name: 'prepared-second' } } }),
      ]);
      assert.deepEqual(added.rows, [{ key: 'together-a', value: 'a' }]);
      assert.deepEqual(renamed.rows, []);
      assert.equal(renamed.numAffectedRows, 1n);
      assert.deepEqual(read.rows, [{ key: 'prepared-second', value: 'second value' }]);
      assert.deepEqual(again.rows, read.rows);
      assert.notEqual(again.rows[0], read.rows[0]);
      assert.deepEqual(missing.rows, []);
      assert.deepEqual(found, { second: true });
    });
    assert.equal((await get.execute(db, { name: 'together-third' })).rows.length, 1);
    assert.equal((await get.execute(db, { name: 'together-a' })).rows.length, 1);
  });

  it('fails every query started together when their statement fails, and writes none of them', async () => {
    const results = await db
      .transaction()
      .execute(async (trx) => {
        const q = together(trx);
        return Promise.allSettled([
          put.execute(q, { name: 'together-b', value: 'b' }),
          // The key exists: a unique violation.
          put.execute(q, { name: 'together-a', value: 'again' }),
        ]);
      })
      .catch((error: unknown) => error);
    if (Array.isArray(results)) {
      // SQLite runs each at once: the first is written, the second fails alone (and the transaction commits).
      assert.equal(results[0]!.status, 'fulfilled');
      assert.equal(results[1]!.status, 'rejected');
      return;
    }
    assert.equal((await get.execute(db, { name: 'together-b' })).rows.length, 0);
  });

  it('a statement still runs after its table gains a column (a migration by another instance)', async () => {
    await sql`create table stale_plan (a integer)`.execute(db);
    await sql`insert into stale_plan (a) values (1)`.execute(db);
    const read = () =>
      db
        .selectFrom('stale_plan' as 'settings')
        .selectAll()
        .execute();
    // Parsed and planned on every connection of the pool, several times (a generic plan is kept).
    for (let i = 0; i < 8; i++) await Promise.all([read(), read()]);
    await sql`alter table stale_plan add column b integer`.execute(db);
    for (let i = 0; i < 3; i++)
      assert.deepEqual(await Promise.all([read(), read()]), [[{ a: 1, b: null }], [{ a: 1, b: null }]]);
    await sql`drop table stale_plan`.execute(db);
  });
});
