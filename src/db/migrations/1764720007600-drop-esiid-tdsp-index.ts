import { type MigrationInterface, type QueryRunner, TableIndex } from 'typeorm';

/**
 * Drops idx_esiid_tdsp (esiid.tdsp_duns): idx_esiid_tdsp_esiid (tdsp_duns, esiid), from
 * 1764720007000, serves every lookup by TDSP as well, so the single-column index only cost space and
 * a second index write on every ESI ID insert or TDSP change.
 */
export class DropEsiidTdspIndex1764720007600 implements MigrationInterface {
  name = 'DropEsiidTdspIndex1764720007600';

  async up(q: QueryRunner): Promise<void> {
    await q.dropIndex('esiid', 'idx_esiid_tdsp');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.createIndex('esiid', new TableIndex({ name: 'idx_esiid_tdsp', columnNames: ['tdsp_duns'] }));
  }
}
