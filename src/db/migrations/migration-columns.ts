import type { TableColumnOptions } from 'typeorm/schema-builder/options/TableColumnOptions';

/** Column shorthands for migrations written with the portable QueryRunner Table API. */
export const idColumn: TableColumnOptions = { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' };

export function varchar(name: string, length: number, nullable = false): TableColumnOptions {
  return { name, type: 'varchar', length: String(length), isNullable: nullable };
}

export function column(name: string, type: string, nullable = false): TableColumnOptions {
  return { name, type, isNullable: nullable };
}
