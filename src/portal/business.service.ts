import type { DataSource } from 'typeorm';
import { PortalCompany } from '../db/entities/portal-company.entity';
import { newCustomer, type AccountsService, type FormProblems, type Registration } from './accounts.service';
import type { AuditLog } from './audit.log';
import { addCompanyMeter } from './company-meters';
import type { MatchedMeter } from './meter-check';

/** The most meters one business registration form carries; more are added afterwards with "Add a Smart Meter". */
export const BUSINESS_FORM_METERS = 5;

export interface BusinessRegistration extends Omit<Registration, 'esiid' | 'meterNumber'> {
  companyName: string;
  meters: { esiid: string; meterNumber: string }[];
}

/**
 * A business customer registers: its administrator's details as for a residential customer, the
 * company's name and one or more meters, each held to CR001 like a residential meter (the page never
 * says which meter or which value failed). Confirmed by email, as a residential registration.
 */
export class BusinessService {
  constructor(private readonly db: DataSource, private readonly accounts: AccountsService, private readonly audit: AuditLog) {}

  async register(r: BusinessRegistration, address: string): Promise<FormProblems | null> {
    const fields = await this.accounts.personProblems(r);
    const companyName = r.companyName.trim();
    if (!companyName || companyName.length > 100) fields.companyName = 'Enter the company name (at most 100 characters).';
    const rows = r.meters.filter((m) => m.esiid.trim() || m.meterNumber.trim());
    if (rows.length === 0) fields.meters = 'Enter at least one ESI ID with its meter number.';
    if (rows.length > BUSINESS_FORM_METERS) fields.meters = `Enter at most ${BUSINESS_FORM_METERS} meters here; add more after registering.`;
    if (Object.keys(fields).length > 0) return { fields, cr001: false };
    const login = r.login.trim().toLowerCase();
    const matched: MatchedMeter[] = [];
    for (const row of rows) {
      const meter = await this.accounts.checkMeter(row.esiid, row.meterNumber, login, address, 'business registration');
      if (!meter) return { fields, cr001: true };
      matched.push(meter);
    }
    const user = await this.db.transaction(async (m) => {
      const inserted = await m.insert(PortalCompany, { name: companyName, createdAt: new Date().toISOString() });
      const companyId = Number(inserted.identifiers[0]!.id);
      for (const meter of matched) await addCompanyMeter(m, companyId, meter, '');
      return companyId;
    }).then((companyId) => this.accounts.createUser(newCustomer(r, login, companyId)));
    await this.accounts.sendConfirmation(user);
    await this.audit.record('COMPANY_REGISTERED', login, address, `company "${companyName.slice(0, 100)}", esiids ${matched.map((m) => m.esiid).join(' ')}`);
    return null;
  }

  async companyName(companyId: number | null): Promise<string> {
    return companyId === null ? '' : ((await this.db.manager.findOneBy(PortalCompany, { id: companyId }))?.name ?? '');
  }
}
