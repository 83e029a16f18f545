import type { Db } from 'mongodb';
import { backfillOnce } from '../db/list-buckets';
import type { UserDoc } from '../db/models/user';

/**
 * One key document per account email (`_id` the lower-case address), kept on
 * write, so finding an account by its exact email is a read by `_id` and not a
 * scan of the accounts. Emails never change once registered.
 */
interface EmailKeyDoc {
  _id: string;
  userId: string;
}

const emailKeys = (db: Db) => db.collection<EmailKeyDoc>('user_emails');

/** Written after the account is stored (its unique email is what the insert checks). */
export async function keyEmail(db: Db, email: string, userId: string): Promise<void> {
  await emailKeys(db).updateOne({ _id: email.toLowerCase() }, { $set: { userId } }, { upsert: true });
}

/** Accounts stored before the keys existed get theirs once per database (one scan, recorded in `migrations`). */
const backfillEmailKeys = (db: Db) =>
  backfillOnce(db, 'user_emails', async () => {
    const users = await db.collection<UserDoc>('users').find({}, { projection: { _id: 1, email: 1 } }).toArray();
    for (const u of users) await keyEmail(db, u.email, u._id);
  });

/** The id of the account with this email, if any. */
export async function userIdByEmail(db: Db, email: string): Promise<string | null> {
  await backfillEmailKeys(db);
  return (await emailKeys(db).findOne({ _id: email.toLowerCase() }))?.userId ?? null;
}
