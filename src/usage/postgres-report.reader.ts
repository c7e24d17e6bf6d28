import { Client, type QueryArrayConfig, type QueryArrayResult } from 'pg';
import { copyDayRows } from './postgres-binary-rows';
import { DAY_ROWS, readFacts, usageDay, type DayRow } from './postgres-usage.source';
import type { UsageDay } from './usage-day';
import type { EsiidFacts, UsageSource } from './usage.source';

/**
 * ESI IDs per read of stored days. A statement's rows are bounded by it (times the versions kept)
 * and its sort stays in the server's memory; a whole day's set in one statement (or one cursor over
 * it) would first sort the whole day.
 */
const CHUNK = 1_000;
/** ESI IDs whose registry facts are read at once, ahead of the sections that ask for them. */
const FACTS_AHEAD = 5_000;

/** Stored days of a run of the report's ESI IDs (positions from..to-1 of its order), as they arrive. */
interface Chunk {
  day: string;
  channel: 1 | 4;
  from: number;
  to: number;
  rows: Promise<UsageDay[]>;
}

/** A run being read: rows before `at` were handed out or passed over, positions before `through` asked for. */
interface Run {
  chunk: Chunk;
  rows: UsageDay[];
  at: number;
  through: number;
}

/**
 * The reads of one report, on PostgreSQL, on two connections of its own (a report thread's): stored
 * days on one, registry facts on the other, so the server reads both at once. It knows the report's
 * ESI IDs, so it reads them in the report's order a run of CHUNK at a time and asks for the next run
 * while the current one is turned into CSV: the report's sections (and its threads' parts) take
 * their rows from the runs, and the thread seldom waits on the server. Facts are read FACTS_AHEAD
 * ESI IDs at a time for the same reason, and let go once handed out. At most two runs are held, so
 * memory stays bounded whatever the report's size. Several threads building parts of one report
 * each read every run and keep their own sections' rows.
 */
export class PostgresReportReader implements UsageSource {
  private readonly order: string[];
  private readonly positions = new Map<string, number>();
  /** The meter number of every ESI ID whose facts were read (rows take theirs from here). */
  private readonly meters = new Map<string, string | null>();
  /** Facts read ahead and not asked for yet (handed out once, then let go), and which ESI IDs they cover. */
  private readonly waiting = new Map<string, EsiidFacts>();
  private readonly pending = new Set<string>();
  private current: Run | null = null;
  private ahead: Chunk | null = null;
  /** Statements go to each connection one after the other (a read ahead first, then what is asked meanwhile). */
  private rowsQueue: Promise<unknown> = Promise.resolve();
  private factsQueue: Promise<unknown> = Promise.resolve();
  private lookups: Promise<unknown> = Promise.resolve();

  /** Stored days come through `client`, registry facts through `factsClient`: the server reads both at once. */
  private constructor(private readonly client: Client, private readonly factsClient: Client, esiids: readonly string[]) {
    this.order = [...new Set(esiids)].sort();
    this.order.forEach((esiid, i) => this.positions.set(esiid, i));
  }

  /** Connects with the platform's database URL, which never goes into an error or a log line from here. */
  static async open(url: string, esiids: readonly string[]): Promise<PostgresReportReader> {
    const clients = [0, 1].map(() => new Client({ connectionString: url, application_name: 'smt report reader' }));
    // A dropped connection fails the read under way; unheard, the event would end the thread.
    for (const client of clients) client.on('error', () => undefined);
    const connected = await Promise.allSettled(clients.map((client) => client.connect()));
    const failed = connected.find((c): c is PromiseRejectedResult => c.status === 'rejected');
    if (failed) {
      await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
      throw failed.reason;
    }
    return new PostgresReportReader(clients[0], clients[1], esiids);
  }

  async *dayRows(day: string, channel: 1 | 4, esiids: ReadonlySet<string>): AsyncIterable<UsageDay> {
    const wanted = [...esiids].sort();
    if (wanted.length === 0) return;
    if (wanted.some((esiid) => !this.positions.has(esiid))) {
      // Not the report's ESI IDs: read as asked.
      const { rows } = await this.query({ text: DAY_ROWS, values: [day, channel, wanted], rowMode: 'array' });
      for (const row of rows as DayRow[]) yield usageDay(row, day, channel);
      return;
    }
    const first = this.positions.get(wanted[0])!;
    const last = this.positions.get(wanted[wanted.length - 1])!;
    for (let index = first; index <= last;) {
      const run = await this.runAt(day, channel, index);
      const end = Math.min(last, run.chunk.to - 1);
      for (; run.at < run.rows.length; run.at++) {
        const row = run.rows[run.at];
        const position = this.positions.get(row.esiid)!;
        if (position < index) continue;
        if (position > end) break;
        if (esiids.has(row.esiid)) yield row;
      }
      run.through = end + 1;
      index = run.chunk.to;
    }
  }

  async facts(esiids: string[]): Promise<Map<string, EsiidFacts>> {
    await this.lookUp(esiids.filter((esiid) => !this.pending.has(esiid)));
    const facts = new Map<string, EsiidFacts>();
    for (const esiid of esiids) {
      const found = this.waiting.get(esiid);
      if (found) facts.set(esiid, found);
      this.waiting.delete(esiid);
      this.pending.delete(esiid);
    }
    return facts;
  }

  /**
   * Reads the facts of those of `esiids` not waiting already, and of the FACTS_AHEAD ESI IDs from the
   * first of them that were never read.
   * One look-up at a time: one that overlapped another would read (and add) the same stretches twice.
   */
  private lookUp(esiids: readonly string[]): Promise<void> {
    const done = this.lookups.then(async () => {
      const unread = esiids.filter((esiid) => !this.pending.has(esiid));
      if (unread.length === 0) return;
      const from = this.positions.get(unread[0]);
      const following = from === undefined ? [] : this.order.slice(from, from + FACTS_AHEAD).filter((esiid) => !this.meters.has(esiid));
      const asked = [...new Set([...unread, ...following])];
      await readFacts(this, asked, this.waiting);
      for (const esiid of asked) {
        this.pending.add(esiid);
        this.meters.set(esiid, this.waiting.get(esiid)?.meterNumber ?? null);
      }
    });
    this.lookups = done.catch(() => undefined);
    return done;
  }

  async close(): Promise<void> {
    this.current = null;
    this.ahead = null;
    await Promise.all([this.client.end(), this.factsClient.end()]);
  }

  /**
   * The run holding position `index` of the day and channel, and the next run asked for already.
   * Sections come in the report's order; one that does not (none does today) reads its run again.
   */
  private async runAt(day: string, channel: 1 | 4, index: number): Promise<Run> {
    const holds = (chunk: Chunk | null): chunk is Chunk => chunk !== null && chunk.day === day && chunk.channel === channel && chunk.from <= index && index < chunk.to;
    if (this.current && holds(this.current.chunk) && this.current.through <= index) return this.current;
    const chunk = holds(this.ahead) ? this.ahead : this.read(day, channel, index);
    this.ahead = chunk.to < this.order.length ? this.read(day, channel, chunk.to) : null;
    this.current = { chunk, rows: await chunk.rows, at: 0, through: chunk.from };
    return this.current;
  }

  /** One statement of registry facts (or of rows not of the report's ESI IDs), after those already sent. */
  query(config: QueryArrayConfig): Promise<QueryArrayResult> {
    const result = this.factsQueue.then(() => this.factsClient.query(config));
    this.factsQueue = result.catch(() => undefined);
    return result;
  }

  /** A run's rows, after the runs already asked for. */
  private copyRows<T>(work: () => Promise<T>): Promise<T> {
    const result = this.rowsQueue.then(work);
    this.rowsQueue = result.catch(() => undefined);
    return result;
  }

  private read(day: string, channel: 1 | 4, from: number): Chunk {
    const to = Math.min(from + CHUNK, this.order.length);
    const esiids = this.order.slice(from, to);
    // The rows are read beside the facts of any of these ESI IDs not read yet; each row's meter number comes from them.
    const facts = this.lookUp(esiids.filter((esiid) => !this.meters.has(esiid)));
    const rows = this.copyRows(() => copyDayRows(this.client, day, channel, esiids)).then(async (read) => {
      await facts;
      for (const row of read) row.meterNumber = this.meters.get(row.esiid) ?? null;
      return read;
    });
    facts.catch(() => undefined);
    // A run read ahead and never used (the report stopped) must not fail the thread when it fails.
    rows.catch(() => undefined);
    return { day, channel, from, to, rows };
  }
}
