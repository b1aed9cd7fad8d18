// The staff's addresses and display names, which comment moderation compares every comment's
// writer with (a reader may not pose as staff). Its one way to the accounts: comments do not
// import staff.repository.ts.
import * as repo from './staff.repository.ts';

export const listStaffIdentities = repo.listStaffIdentities;
