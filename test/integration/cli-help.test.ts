import { expect } from 'chai';
import { commands } from '../../src/cli/commands';
import { hasHelp } from '../../src/cli/command-help';
import { CliHarness } from '../support/cli-harness';

const FIXTURES = 'fixtures/registry';

describe('smt --help and identifiers (a newcomer\'s first hour)', () => {
  let cli: CliHarness;

  before(async () => {
    cli = new CliHarness('smt-cli-help-');
    const r = await cli.run('registry', 'import', `${FIXTURES}/participants.csv`, `${FIXTURES}/esiids.csv`, `${FIXTURES}/rep-of-record.csv`);
    expect(r.status, r.err).to.equal(0);
  });
  after(() => cli.remove());

  it('answers --help for every command, listing each of its options on a line of its own, with an example', async () => {
    for (const command of commands) {
      const name = command.name.join(' ');
      expect(hasHelp(command), `help text for ${name}`).to.equal(true);
      const r = await cli.run(...command.name, '--help');
      expect(r.status, name).to.equal(0);
      expect(r.out, name).to.contain(`Usage: smt ${command.name.join(' ')}`);
      expect(r.out, name).to.match(/Examples?:\n {2}smt /);
      for (const option of Object.keys(command.options)) {
        expect(r.out, `${name} --${option}`).to.match(new RegExp(`^ {2}--${option}( VALUE)? +\\S`, 'm'));
      }
    }
  });

  it('answers --help for each command group (entity, pki, db, keys, cert, registry, reports, retention)', async () => {
    for (const group of ['entity', 'pki', 'db', 'keys', 'cert', 'registry', 'reports', 'retention']) {
      const r = await cli.run(group, '--help');
      expect(r.status, group).to.equal(0);
      for (const c of commands.filter((c) => c.name[0] === group)) expect(r.out, group).to.contain(`smt ${c.name.join(' ')}`);
    }
    const bare = await cli.run('entity');
    expect(bare.status).to.equal(2);
    expect(bare.err).to.contain('smt entity add');
  });

  it('says in the help of commands with dates that both MM/DD/YYYY and YYYY-MM-DD are taken', async () => {
    for (const name of [['report'], ['han-log'], ['usage'], ['post-daily']]) {
      expect((await cli.run(...name, '--help')).out, name[0]).to.contain('MM/DD/YYYY or YYYY-MM-DD');
    }
    expect((await cli.run('--help')).out).to.contain('MM/DD/YYYY or YYYY-MM-DD');
  });

  it('takes both date forms in report, usage, han-log and post-daily', async () => {
    const us = await cli.run('report', '--type', 'daily', '--duns', '200000001', '--from', '07/14/2025', '--to', '07/17/2025', '--esiid', '10443720000000006');
    const iso = await cli.run('report', '--type', 'daily', '--duns', '200000001', '--from', '2025-07-14', '--to', '2025-07-17', '--esiid', '10443720000000006');
    expect(us.status, us.err).to.equal(0);
    expect(iso.status, iso.err).to.equal(0);
    expect(iso.out).to.equal(us.out);
    const log = await cli.run('han-log', '--duns', '200000001', '--from', '2025-07-14', '--to', '07/17/2025');
    expect(log.status, log.err).to.equal(0);
    const usage = await cli.run('usage', '10443720000000001', '--from', '11/02/2025', '--to', '2025-11-02');
    expect(usage.status).to.equal(1); // nothing loaded in this data dir: "No stored intervals"
    expect(usage.err).to.contain('No stored intervals');
    const bad = await cli.run('report', '--type', 'daily', '--duns', '200000001', '--from', '2025/07/14', '--to', '07/17/2025', '--esiid', '10443720000000006');
    expect(bad.status).to.equal(2);
    expect(bad.err).to.contain('give MM/DD/YYYY or YYYY-MM-DD');
  });

  it('calls an 8-digit DUNS malformed, not unregistered, with exit status 2', async () => {
    for (const args of [
      ['report', '--type', 'daily', '--duns', '20000001', '--from', '07/14/2025', '--to', '07/17/2025', '--esiid', '10443720000000006'],
      ['han-log', '--duns', '20000001', '--from', '07/14/2025', '--to', '07/17/2025'],
      ['post-daily', '--date', '2025-07-14', '--duns', '20000001'],
      ['ingest', 'fixtures/lse', '--for', '10000001'],
    ]) {
      const r = await cli.run(...args);
      expect(r.status, args.join(' ')).to.equal(2);
      expect(r.err, args.join(' ')).to.match(/is malformed: expected a DUNS number of 9 digits/);
    }
  });

  it('refuses an unknown DUNS in han-log and post-daily with exit status 2 and a clear message', async () => {
    const log = await cli.run('han-log', '--duns', '299999999', '--from', '07/14/2025', '--to', '07/17/2025');
    expect(log.status).to.equal(2);
    expect(log.out).to.equal('');
    expect(log.err).to.contain('DUNS 299999999 is not registered');
    const post = await cli.run('post-daily', '--date', '2025-07-14', '--duns', '299999999');
    expect(post.status).to.equal(2);
    expect(post.err).to.contain('DUNS 299999999 is not registered');
    const tdsp = await cli.run('post-daily', '--date', '2025-07-14', '--duns', '100000001');
    expect(tdsp.status).to.equal(2);
    expect(tdsp.err).to.contain('not to a REP');
  });

  it('refuses a malformed or unregistered ESI ID in usage and han-log with exit status 2', async () => {
    const malformed = await cli.run('usage', '1044-3720', '--from', '2025-11-02', '--to', '2025-11-02');
    expect(malformed.status).to.equal(2);
    expect(malformed.err).to.contain('is malformed');
    const unknown = await cli.run('usage', '10443799999999999', '--from', '2025-11-02', '--to', '2025-11-02');
    expect(unknown.status).to.equal(2);
    expect(unknown.err).to.contain('is not registered');
    for (const esiid of ['bad!id', '10443799999999999']) {
      const log = await cli.run('han-log', '--duns', '200000001', '--from', '2025-07-01', '--to', '2025-07-01', '--esiid', esiid);
      expect(log.status, esiid).to.equal(2);
      expect(log.err, esiid).to.match(/is malformed|is not registered/);
    }
  });
});
