// SQL for the settings (one JSON value per key) and the secrets (keys the server makes itself).
import type { Db } from '../../db/database.ts';

export async function listSettingRows(db: Db): Promise<{ key: string; value: string }[]> {
  return db.selectFrom('settings').select(['key', 'value']).execute();
}

/** Stores one setting's JSON text, replacing what the key had. */
export async function saveSetting(db: Db, key: string, value: string): Promise<void> {
  await db
    .insertInto('settings')
    .values({ key, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
    .execute();
}

/** The named secret: `value` when there was none, else the one already stored (the first writer wins). */
export async function findOrInsertSecret(db: Db, name: string, value: string): Promise<string> {
  await db
    .insertInto('secrets')
    .values({ name, value })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await db.selectFrom('secrets').select('value').where('name', '=', name).executeTakeFirstOrThrow();
  return row.value;
}
