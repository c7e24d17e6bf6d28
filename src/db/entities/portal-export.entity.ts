import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** PEN waiting for the report engine, READY to download, FAILED (the reason in `reason`). */
export type PortalExportStatus = 'PEN' | 'READY' | string;

/** An export request made in the portal ("Exports"): an order number over one report request of the report engine. */
@Entity('portal_export')
@Index('idx_portal_export_user', ['userId', 'id'])
export class PortalExport {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  /** What the user sees and quotes: E followed by digits. */
  @Index('idx_portal_export_order', { unique: true })
  @Column({ name: 'order_number', type: 'varchar', length: 20 })
  orderNumber!: string;

  @Column({ name: 'user_id', type: 'integer' })
  userId!: number;

  /** The report requests that produce it, comma-separated ids (a customer's meters whose data starts on different days take one each). */
  @Column({ name: 'request_ids', type: 'varchar', length: 200 })
  requestIds!: string;

  @Column({ name: 'report_type', type: 'varchar', length: 8 })
  reportType!: string;

  @Column({ name: 'start_date', type: 'varchar', length: 10 })
  startDate!: string;

  @Column({ name: 'end_date', type: 'varchar', length: 10 })
  endDate!: string;

  @Column({ name: 'esiid_count', type: 'integer' })
  esiidCount!: number;

  @Index('idx_portal_export_status')
  @Column({ type: 'varchar', length: 8 })
  status!: PortalExportStatus;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt!: string;

  @Column({ type: 'varchar', length: 300, default: '' })
  reason!: string;

  /** When the "your export is ready" email went out; null until then. */
  @Column({ name: 'notified_at', type: 'varchar', length: 30, nullable: true })
  notifiedAt!: string | null;
}
