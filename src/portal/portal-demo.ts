import fs from 'node:fs';
import path from 'node:path';
import { PortalMeter } from '../db/entities/portal-meter.entity';
import type { PortalUserKind } from '../db/entities/portal-user.entity';
import type { RegistryService } from '../registry/registry.service';
import { randomPassword } from '../security/client-bundle';
import { PRIVATE_FILE_MODE, writeFileWithMode } from '../security/key-file';
import type { DataSource } from 'typeorm';
import type { AccountsService } from './accounts.service';
import { matchMeter } from './meter-check';

interface DemoUser {
  login: string;
  kind: PortalUserKind;
  participantDuns: string | null;
  firstName: string;
}

/** The demo participants' DUNS (security/development-setup.ts) and the demo meter a customer registered. */
const DEMO_USERS: DemoUser[] = [
  { login: 'demo-customer', kind: 'CUSTOMER', participantDuns: null, firstName: 'Dana' },
  { login: 'demo-rep', kind: 'REP', participantDuns: '200000001', firstName: 'Rey' },
  { login: 'demo-tdsp', kind: 'TDSP', participantDuns: '100000001', firstName: 'Tess' },
  { login: 'demo-regulator', kind: 'REGULATOR', participantDuns: null, firstName: 'Reggie' },
];
const DEMO_METER = { esiid: '10443720000000001', meterNumber: 'M0000001' };

export function demoLoginsFile(dataDir: string): string {
  return path.join(dataDir, 'demo', 'portal-logins.txt');
}

/**
 * On a development data dir (the demo REP and TDSP exist) whose portal has no users yet: four demo
 * accounts, a residential customer of the first demo meter, a REP user, a TDSP user and a
 * regulator, with random passwords written to <data>/demo/portal-logins.txt (owner-only).
 */
export async function ensurePortalDemo(db: DataSource, accounts: AccountsService, registry: RegistryService, dataDir: string): Promise<string | null> {
  const file = demoLoginsFile(dataDir);
  const participants = new Map<string, number>();
  for (const d of DEMO_USERS) {
    if (d.participantDuns === null) continue;
    const p = await registry.findParticipantByDuns(d.participantDuns);
    if (!p || !fs.existsSync(path.join(dataDir, 'demo'))) return fs.existsSync(file) ? file : null;
    participants.set(d.participantDuns, p.id);
  }
  if (await accounts.anyUser()) return fs.existsSync(file) ? file : null;
  const meter = await matchMeter(registry, DEMO_METER.esiid, DEMO_METER.meterNumber);
  const lines = ['# Demo logins of the web portal (development only): user ID, password, kind'];
  for (const d of DEMO_USERS) {
    const password = `Demo-${randomPassword().slice(0, 12)}7`;
    const user = await accounts.createUser({ login: d.login, password, kind: d.kind, status: 'ACTIVE', participantId: d.participantDuns ? participants.get(d.participantDuns)! : null,
      firstName: d.firstName, middleInitial: '', lastName: 'Demo', suffix: '', phone: '', email: `${d.login}@smt-platform.invalid`, language: 'en' });
    if (d.kind === 'CUSTOMER' && meter) {
      await db.manager.insert(PortalMeter, { userId: user.id, esiid: meter.esiid, description: 'Demo home', visibleFrom: meter.visibleFrom, registeredAt: new Date().toISOString() });
    }
    lines.push(`${d.login} ${password} ${d.kind}`);
  }
  await writeFileWithMode(file, `${lines.join('\n')}\n`, PRIVATE_FILE_MODE);
  return file;
}
