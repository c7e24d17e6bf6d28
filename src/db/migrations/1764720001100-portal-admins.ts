import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/** Portal administrators: a REP's, TDSP's or the regulator's staff account may be its administrator (portal_user.is_admin, 1 or 0). */
export class PortalAdmins1764720001100 implements MigrationInterface {
  name = 'PortalAdmins1764720001100';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('portal_user', new TableColumn({ name: 'is_admin', type: 'integer', isNullable: false, default: 0 }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('portal_user', 'is_admin');
  }
}
