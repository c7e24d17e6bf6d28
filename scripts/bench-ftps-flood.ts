/**
 * FTPS flood benchmark (issue 11 item 8) against a real `smt serve` started here: 256 plain TCP
 * connections that only send NOOP, then a legitimate client. Prints, per run, the time until the
 * legitimate client's greeting and until basic-ftp's login (AUTH TLS, USER, PASS, PBSZ, PROT)
 * completed, and how many flood connections were greeted; the median of the runs at the end.
 * The flood comes from 127.0.0.2 (default) or from 256 loopback addresses 127.0.1.1-127.0.2.6 (--from-many);
 * the legitimate client from 127.0.0.1, the demo REP's registered address.
 *   npm run bench:ftps-flood [-- --runs 3 --from-many]
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Client } from 'basic-ftp';
import { log } from './lib/bench-common';
import { startPlatform } from './lib/platform-process';
import { benchArgs } from './lib/bench-options';

const USAGE = `Usage: npm run bench:ftps-flood -- [options]
  --runs N      runs; the median of them is printed at the end (default 3)
  --from-many   the flood comes from 256 loopback addresses 127.0.1.1-127.0.2.6 (default: all from 127.0.0.2)
  --help, -h    this text`;

const FLOOD = 256;

async function main(): Promise<void> {
  const values = benchArgs('bench:ftps-flood', USAGE, { runs: { type: 'string', default: '3' }, 'from-many': { type: 'boolean', default: false } });
  const platform = await startPlatform();
  const ca = fs.readFileSync(path.join(platform.dataDir, 'pki', 'ca.crt'), 'utf8');
  const password = fs.readFileSync(path.join(platform.dataDir, 'demo', 'demo-rep', 'ftp-password.txt'), 'utf8').trim();
  const greetings: number[] = [];
  const logins: number[] = [];
  try {
    for (let run = 1; run <= Number(values.runs); run++) {
      const flood = await openFlood(platform.ftpsPort, values['from-many'] ? (i) => `127.0.${1 + Math.floor(i / 250)}.${(i % 250) + 1}` : () => '127.0.0.2');
      const greeting = await timeToGreeting(platform.ftpsPort);
      const started = performance.now();
      const client = new Client(10_000);
      let login: string;
      try {
        await client.access({ host: '127.0.0.1', port: platform.ftpsPort, user: 'Demo REP', password, secure: true, secureOptions: { ca } });
        login = `${(performance.now() - started).toFixed(1)} ms`;
        logins.push(performance.now() - started);
      } catch (error) {
        login = `failed after ${(performance.now() - started).toFixed(0)} ms: ${(error as Error).message}`;
      } finally {
        client.close();
      }
      if (typeof greeting.ms === 'number') greetings.push(greeting.ms);
      log(`run ${run}: of ${FLOOD} flood connections ${flood.greeted} got an answer to NOOP, ${flood.refused} a 421 greeting, ${flood.closed} were closed later to make room; ` +
        `legitimate client: greeting ${greeting.text}; basic-ftp login ${login}`);
      flood.close();
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    log(`RESULT median of ${values.runs} runs: greeting ${median(greetings)} ms (${greetings.length} greeted), login ${median(logins)} ms (${logins.length} logged in)`);
  } finally {
    await platform.stop();
  }
}

/** The flood: every connection reads its greeting and, when greeted, sends NOOP and waits for the answer. */
async function openFlood(port: number, from: (i: number) => string): Promise<{ greeted: number; refused: number; closed: number; close(): void }> {
  const sockets: net.Socket[] = [];
  const outcomes = await Promise.all(Array.from({ length: FLOOD }, (_, i) => new Promise<string>((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1', localAddress: from(i) });
    sockets.push(socket);
    socket.setEncoding('utf8');
    socket.on('error', () => resolve('error'));
    socket.on('close', () => resolve('closed'));
    let seen = '';
    let sentNoop = false;
    socket.on('data', (chunk: string) => {
      seen += chunk;
      if (seen.startsWith('421 ')) return resolve('refused');
      if (!seen.startsWith('220 ') || !seen.includes('\r\n')) return;
      if (!sentNoop) {
        sentNoop = true;
        socket.write('NOOP\r\n');
      }
      if (seen.includes('\r\n200 ')) resolve('greeted');
    });
  })));
  return {
    greeted: outcomes.filter((o) => o === 'greeted').length,
    refused: outcomes.filter((o) => o === 'refused').length,
    closed: outcomes.filter((o) => o === 'closed').length,
    close: () => sockets.forEach((s) => s.destroy()),
  };
}

/** A plain connection from 127.0.0.1: the time until its first reply line, and that line. */
function timeToGreeting(port: number): Promise<{ ms: number | null; text: string }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.setEncoding('utf8');
    const timer = setTimeout(() => finish(null, 'none within 10 s'), 10_000);
    const finish = (ms: number | null, text: string) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ ms, text });
    };
    socket.on('data', (chunk: string) => {
      const ms = performance.now() - started;
      finish(chunk.startsWith('220 ') ? ms : null, `${chunk.slice(0, 3)} after ${ms.toFixed(1)} ms`);
    });
    socket.on('error', (error) => finish(null, error.message));
    socket.on('close', () => finish(null, `closed without a greeting after ${(performance.now() - started).toFixed(1)} ms`));
  });
}

function median(values: number[]): string {
  if (values.length === 0) return '-';
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!.toFixed(1);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
