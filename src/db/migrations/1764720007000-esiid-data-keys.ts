import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * Keys for the ESI ID data services (src/availability/esiid-scope.store.ts), which page a
 * participant's ESI IDs in ESI ID order: a REP's stretches by (rep_duns, esiid), a TDSP's territory by
 * (tdsp_duns, esiid). With them a page reads its own rows from the index in order instead of every
 * stretch of the REP (or every ESI ID of the TDSP) and a sort. Neither holds effective_to, which the
 * loads move daily: those updates leave both indexes alone.
 */
export class EsiidDataKeys1764720007000 implements MigrationInterface {
  name = 'EsiidDataKeys1764720007000';

  async up(q: QueryRunner): Promise<void> {
    await q.createIndex('rep_of_record', new TableIndex({ name: 'idx_ror_rep_esiid', columnNames: ['rep_duns', 'esiid'] }));
    await q.createIndex('esiid', new TableIndex({ name: 'idx_esiid_tdsp_esiid', columnNames: ['tdsp_duns', 'esiid'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('esiid', 'idx_esiid_tdsp_esiid');
    await q.dropIndex('rep_of_record', 'idx_ror_rep_esiid');
  }
}
