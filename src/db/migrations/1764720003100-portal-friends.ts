import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { column, idColumn, varchar } from './migration-columns';

/** Friends: a customer's emailed invitations (single-use token hash) and the meters each shares, with an end date. */
export class PortalFriends1764720003100 implements MigrationInterface {
  name = 'PortalFriends1764720003100';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'portal_friend_invite',
      columns: [idColumn, varchar('token_hash', 64), column('owner_user_id', 'integer'), varchar('email', 254), varchar('expires_at', 30),
        varchar('used_at', 30, true), varchar('created_at', 30)],
      indices: [{ name: 'idx_portal_friend_invite_token', columnNames: ['token_hash'], isUnique: true }],
    }));
    await q.createTable(new Table({
      name: 'portal_friend',
      columns: [idColumn, column('invite_id', 'integer'), column('owner_user_id', 'integer'), column('friend_user_id', 'integer', true), varchar('esiid', 64),
        varchar('end_date', 10), varchar('status', 10), varchar('created_at', 30), varchar('changed_at', 30)],
      indices: [{ name: 'idx_portal_friend_owner', columnNames: ['owner_user_id', 'esiid'] }, { name: 'idx_portal_friend_friend', columnNames: ['friend_user_id'] }],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['portal_friend', 'portal_friend_invite']) await q.dropTable(table, true);
  }
}
