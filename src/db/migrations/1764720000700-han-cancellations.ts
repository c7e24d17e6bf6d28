import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';
import { varchar } from './migration-columns';

/**
 * Cancellations in the HAN messaging log: which cancellation ended a message at an ESI ID
 * (han_message_target.cancelled_by), log rows of cancellations under the cancelled message's
 * RequestID (rows written before carried the cancellation's own request id), and an index to count
 * a REP's recent message requests for its rate limit.
 */
export class HanCancellations1764720000700 implements MigrationInterface {
  name = 'HanCancellations1764720000700';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('han_message_target', new TableColumn(varchar('cancelled_by', 64, true)));
    await q.createIndex('han_message_target', new TableIndex({ name: 'idx_han_message_target_cancelled_by', columnNames: ['cancelled_by', 'esiid'] }));
    await q.createIndex('han_message', new TableIndex({ name: 'idx_han_message_rep_created', columnNames: ['rep_duns', 'created_at'] }));
    await q.query(`UPDATE "han_message_status" SET "request_id" = (SELECT "m"."cancels_request_id" FROM "han_message" "m" WHERE "m"."request_id" = "han_message_status"."request_id")
      WHERE "category" IN ('CLE', 'CSM') AND EXISTS (SELECT 1 FROM "han_message" "m" WHERE "m"."request_id" = "han_message_status"."request_id" AND "m"."cancels_request_id" IS NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('han_message', 'idx_han_message_rep_created');
    await q.dropIndex('han_message_target', 'idx_han_message_target_cancelled_by');
    await q.dropColumn('han_message_target', 'cancelled_by');
  }
}
