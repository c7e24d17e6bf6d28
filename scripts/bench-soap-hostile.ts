/**
 * Hostile SOAP benchmark (issue 11 items 5-7) against a real `smt serve` started here: for each
 * validly signed hostile message, the time until the platform answers (refuses) it, the latency of
 * small signed requests sent one after another while it is in flight, and the platform's RSS before
 * and after. The platform runs with SMT_SOAP_VERIFY_BUDGET_MS=--budget-ms so the message that stays
 * within every cap shows the budget at work.
 *   npm run bench:soap-hostile [-- --budget-ms 500]
 */
import fs from 'node:fs';
import https from 'node:https';
import { demoRep, log, pct } from './lib/bench-common';
import { multiRefRequest, signRequest, slowCanonicalizationRequest, statusRequest, type HostileRequest, type Signer } from './lib/hostile-soap';
import { startPlatform } from './lib/platform-process';
import { benchArgs } from './lib/bench-options';

const USAGE = `Usage: npm run bench:soap-hostile -- [options]
  --budget-ms MS   the platform's signature verification budget, SMT_SOAP_VERIFY_BUDGET_MS (default 500)
  --help, -h    this text`;

let endpoint = '';
let agent: https.Agent;

async function main(): Promise<void> {
  const values = benchArgs('bench:soap-hostile', USAGE, { 'budget-ms': { type: 'string', default: '500' } });
  const platform = await startPlatform({ SMT_SOAP_VERIFY_BUDGET_MS: values['budget-ms']! });
  endpoint = `https://127.0.0.1:${platform.soapPort}/MeterUsage`;
  try {
    const rep = demoRep(platform.dataDir, 8);
    agent = rep.agent;
    const signer = rep.credentials;
    await smallLatencies(signer, 20);
    const idle = await smallLatencies(signer, 40);
    log(`small signed request alone: p50 ${pct(idle, 50)} ms, max ${pct(idle, 100)} ms (budget ${values['budget-ms']} ms)`);
    const slow = (trans: string) => withTrans(slowCanonicalizationRequest(25, 2, 55_000, 0), trans);
    const cases: [string, HostileRequest[]][] = [
      ['multiRef: 2,500 href x 2,500 children', [multiRefRequest(2500, 2500)]],
      ['namespaces: 780 in scope x 20,000 children', [slowCanonicalizationRequest(26, 30, 20_000, 0)]],
      ['within caps, past the budget', [slow('H-1')]],
      ['two within caps at once', [slow('H-2'), slow('H-3')]],
    ];
    for (const [name, requests] of cases) {
      const messages = await Promise.all(requests.map((request) => signRequest(signer, request)));
      const rssBefore = rssMb(platform.pid);
      const started = Date.now();
      let inFlight = messages.length;
      const hostile = messages.map((message) => post(message).then((reply) => {
        inFlight--;
        return { ms: Date.now() - started, code: faultCode(reply) };
      }));
      const during: number[] = [];
      let trans = 0;
      while (inFlight > 0) during.push(await small(signer, `D-${name.length}-${trans++}`));
      const answers = await Promise.all(hostile);
      const size = Math.max(...messages.map((m) => m.length));
      log(`RESULT ${name} (${(size / 1024).toFixed(0)} KB): answered in ${answers.map((a) => `${a.ms} ms (${a.code ?? 'no fault'})`).join(', ')}; ` +
        `${during.length} small requests meanwhile p50 ${pct(during, 50)} ms, max ${pct(during, 100)} ms; RSS ${rssBefore} -> ${rssMb(platform.pid)} MB`);
    }
  } finally {
    await platform.stop();
  }
}

function withTrans(request: HostileRequest, trans: string): HostileRequest {
  return { ...request, body: request.body.replace('<trans_id>H-1<', `<trans_id>${trans}<`) };
}

async function smallLatencies(signer: Signer, count: number): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) latencies.push(await small(signer, `W-${Date.now()}-${i}`));
  return latencies;
}

/** One small signed request, signed before the clock starts; anything but the expected answer stops the bench. */
async function small(signer: Signer, trans: string): Promise<number> {
  const message = await signRequest(signer, statusRequest(trans));
  const started = process.hrtime.bigint();
  const reply = await post(message);
  if (faultCode(reply) !== 'NOT_FOUND') throw new Error(`the small request was not answered: ${reply.slice(0, 300)}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

function faultCode(body: string): string | undefined {
  return /<code>([A-Z_]+)<\/code>/.exec(body)?.[1];
}

function rssMb(pid: number): number {
  const line = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return line ? Math.round(Number(line[1]) / 1024) : NaN;
}

function post(body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = https.request(endpoint, { method: 'POST', agent, headers: { 'content-type': 'text/xml; charset=utf-8' } }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve(text));
    });
    req.on('error', reject);
    req.end(body);
  });
}

main().catch((error) => {
  process.stderr.write(`bench:soap-hostile failed: ${(error as Error).stack}\n`);
  process.exitCode = 1;
});
