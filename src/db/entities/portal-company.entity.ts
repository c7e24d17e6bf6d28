import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A business customer: registered by its administrator, whose users see all or some of its meters. */
@Entity('portal_company')
export class PortalCompany {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt!: string;
}

/** A smart meter of a business customer; its users see its data from `visibleFrom` on. */
@Entity('portal_company_meter')
@Index('idx_portal_company_meter', ['companyId', 'esiid'], { unique: true })
export class PortalCompanyMeter {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'company_id', type: 'integer' })
  companyId!: number;

  @Column({ type: 'varchar', length: 64 })
  esiid!: string;

  @Column({ type: 'varchar', length: 60, default: '' })
  description!: string;

  /** YYYY-MM-DD: the start of the REP-of-record stretch current when the meter was registered. */
  @Column({ name: 'visible_from', type: 'varchar', length: 10 })
  visibleFrom!: string;

  @Column({ name: 'registered_at', type: 'varchar', length: 30 })
  registeredAt!: string;
}

/** A company meter granted to one business user who does not see all of the company's meters. */
@Entity('portal_meter_grant')
@Index('idx_portal_meter_grant', ['userId', 'esiid'], { unique: true })
export class PortalMeterGrant {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'user_id', type: 'integer' })
  userId!: number;

  @Column({ type: 'varchar', length: 64 })
  esiid!: string;
}
