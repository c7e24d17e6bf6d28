/**
 * The README's quick start, run as a newcomer runs it: every command of its ```sh blocks, in order,
 * as written, in a fresh folder (./var does not exist yet) with the ports moved to free ones through
 * the documented settings. `npx smt` is this checkout's bin/smt, `npm run X` the script's compiled
 * file (dist/ is built by `npm test`), `npm start` smt serve; `npm ci` and `npm test` are what runs this.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';

const ROOT = path.join(__dirname, '..', '..');
const SMT = `"${process.execPath}" "${path.join(ROOT, 'bin', 'smt')}"`;
const PASSWORD = 'a-newcomer-password-42';

/** The shell commands of the README from "## Quick start" up to the next top-level section. */
export function quickStartCommands(readme: string): string[] {
  const start = readme.indexOf('## Quick start');
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end);
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  return blocks.flatMap((block) => block.replace(/\\\n\s*/g, ' ').split('\n'))
    .map((line) => line.replace(/\s+#\s.*$/, '').trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

interface Run { status: number | null; out: string; err: string }

function run(command: string, cwd: string, env: NodeJS.ProcessEnv, input = ''): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/bash', ['-o', 'pipefail', '-c', command], { cwd, env });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, out, err }));
    child.stdin.on('error', () => undefined); // a command that reads nothing may be gone before its input is written
    child.stdin.end(input);
  });
}

/** A command that runs until stopped; resolves once it printed `ready`. */
async function startLongRunning(command: string, cwd: string, env: NodeJS.ProcessEnv, ready: string): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn('/bin/bash', ['-c', `exec ${command}`], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  for (let i = 0; !output.includes(ready); i++) {
    if (child.exitCode !== null) throw new Error(`${command} exited with ${child.exitCode}:\n${output}`);
    if (i > 900) throw new Error(`${command} did not print "${ready}" within 90 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, output: () => output };
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGINT');
  await exited;
}

/** `npm run NAME -- ARGS` as the script's own node command, without the build step npm test has done. */
function npmRun(line: string, scripts: Record<string, string>): string {
  const [, name, args = ''] = /^npm run ([\w:-]+)(?: -- (.*))?$/.exec(line) ?? [];
  const script = scripts[name!];
  if (!script) throw new Error(`the README runs "${line}" but package.json has no script ${name}`);
  const node = /node (dist\/\S+)/.exec(script);
  if (!node) throw new Error(`npm run ${name} is not "... && node dist/..."`);
  return `"${process.execPath}" "${path.join(ROOT, node[1]!)}" ${args}`;
}

describe('the README quick start, as written, on a fresh folder with moved ports', function () {
  this.timeout(240_000);
  let work: string;
  let serve: { child: ChildProcess; output: () => string } | undefined;
  const ran: string[] = [];

  before(function () {
    if (!fs.existsSync(path.join(ROOT, 'dist', 'src', 'main.js'))) this.skip(); // npm test builds it first
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-readme-'));
    fs.symlinkSync(path.join(ROOT, 'fixtures'), path.join(work, 'fixtures'));
    fs.mkdirSync(path.join(work, '.gnupg'), { mode: 0o700 });
  });
  after(async () => {
    await stop(serve?.child);
    if (!work) return;
    // The README's gpg commands started an agent for this GNUPGHOME: it goes with the folder.
    await run('gpgconf --kill gpg-agent', os.tmpdir(), { ...process.env, GNUPGHOME: path.join(work, '.gnupg') });
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('runs every quick-start command and each does what its comment says', async () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const scripts = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;
    const commands = quickStartCommands(readme);
    expect(commands.length).to.be.above(10);
    const passive = 40_000 + Math.floor(Math.random() * 20_000);
    const ports = { soap: await freePort(), ftps: await freePort(), mock: await freePort(), portal: await freePort(), metrics: await freePort(), second: await freePort() };
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SMT_')));
    const env: NodeJS.ProcessEnv = {
      ...inherited, SMT_SOAP_PORT: String(ports.soap), SMT_FTPS_PORT: String(ports.ftps), SMT_MOCK_TDSP_PORT: String(ports.mock),
      SMT_PORTAL_PORT: String(ports.portal), SMT_METRICS_PORT: String(ports.metrics), SMT_FTPS_PASSIVE_PORTS: `${passive}-${passive + 20}`, GNUPGHOME: path.join(work, '.gnupg'),
    };

    for (const line of commands) {
      ran.push(line);
      if (process.env.SMT_TEST_README_TIMES) process.stderr.write(`${new Date().toISOString()} ${line}\n`);
      if (line === 'npm ci' || line === 'npm test') continue;
      if (line === 'npm start') {
        serve = await startLongRunning(`${SMT} serve`, work, env, 'Ctrl-C stops');
        expect(serve.output()).to.contain(`:${ports.soap}/MeterUsage`);
        expect(fs.existsSync(path.join(work, 'var', 'ftps', '100000001', 'inbound')), 'npm start makes the demo TDSP\'s inbound/').to.equal(true);
        continue;
      }
      const command = line.startsWith('npm run ') ? npmRun(line, scripts) : line.replace(/^npx smt /, `${SMT} `);
      if (/^npx smt mock-tdsp /.test(line)) {
        const mock = await startLongRunning(command.replace('--port 9444', `--port ${ports.second}`), work, env, 'Ctrl-C stops');
        expect(mock.output()).to.contain(`:${ports.second}/TdspHan`);
        await stop(mock.child);
        continue;
      }
      let result = await run(command, work, env, /entity set-password/.test(line) ? `${PASSWORD}\n` : '');
      if (line.startsWith('ls var/ftps/200000001/adhoc')) {
        // Produced by the running smt serve's report worker, shortly after the request.
        for (let i = 0; i < 60 && !/\.asc/.test(result.out); i++) {
          await new Promise((r) => setTimeout(r, 500));
          result = await run(command, work, env);
        }
      }
      const broken = /^npx smt ingest .*broken/.test(line);
      expect(result.status, `${line}\n${result.out}\n${result.err}`).to.equal(broken ? 1 : 0); // broken files: status 1, as documented
      if (broken) {
        expect(result.out).to.match(/read 14 record\(s\), stored 3, rejected 11/);
        expect(result.out).to.contain('REJECTED F2');
      }
      if (line.startsWith('npx smt usage')) expect(result.out.trim().split('\n')).to.have.length(101); // header + 100 intervals
      if (line.startsWith('ls var/ftps/100000001/reports')) expect(result.out.trim().split('\n').length).to.be.at.least(10);
      if (line.startsWith('ls var/ftps/200000001/adhoc')) expect(result.out).to.match(/IntervalMeterUsage\S*\.asc/);
      if (line.startsWith('npx smt report --type daily')) expect(result.out.trim().split('\n').length).to.be.above(1);
      if (line === 'npm run demo') expect(result.out).to.contain('Done: LSE upload');
      if (line === 'npm run example:han') expect(result.out).to.contain('GetHanMessageLog');
      if (line.startsWith('npx smt han-log')) expect(fs.readFileSync(path.join(work, 'han-log.csv'), 'utf8').trim().split('\n').length).to.be.above(1);
    }
    expect(ran).to.include('npm start');
    expect(fs.existsSync(path.join(work, 'acme-kit'))).to.equal(true);
  });
});
