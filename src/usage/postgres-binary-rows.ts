import type { Client } from 'pg';
import { escapeLiteral } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { UsageDay } from './usage-day';

/** The start of every binary COPY output (PostgreSQL's "File Format", binary). */
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

/**
 * Stored days of some ESI IDs, in the report's order, read as binary COPY: the packed values arrive
 * as their own bytes (views of one buffer per read), where the text protocol sends them as hex text
 * twice their size that the thread decodes again, and every value of every row is a new string.
 * COPY takes no bind parameters: the day is a checked YYYY-MM-DD, the channel a number and each ESI
 * ID a quoted literal. Meter numbers are left null for the caller to set (from the registry facts it read for these ESI IDs).
 */
export async function copyDayRows(client: Client, day: string, channel: 1 | 4, esiids: readonly string[]): Promise<UsageDay[]> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error(`not an operating day: ${day}`);
  const query = `SELECT i.esiid, i.version, i.interval_count, i.interval_values, i.start_reading, i.stop_reading, i.file_id
    FROM interval_day i
    WHERE i.operating_day = '${day}' AND i.channel = ${channel === 1 ? 1 : 4} AND i.esiid = ANY(ARRAY[${esiids.map(escapeLiteral).join(',')}]::text[])
    ORDER BY i.esiid, i.version`;
  const chunks: Buffer[] = [];
  for await (const chunk of client.query(copyTo(`COPY (${query}) TO STDOUT (FORMAT binary)`))) chunks.push(chunk as Buffer);
  const data = Buffer.concat(chunks);
  const rows: UsageDay[] = [];
  // Fields are read in place: only the packed values become a view of their own.
  forEachTuple(data, (at, length) => {
    rows.push({
      esiid: data.toString('utf8', at[0], at[0] + length[0]), operatingDay: day, channel, version: Number(data.readBigInt64BE(at[1])), intervalCount: data.readInt32BE(at[2]),
      values: data.subarray(at[3], at[3] + length[3]), startReading: text(data, at[4], length[4]), stopReading: text(data, at[5], length[5]),
      fileId: data.readInt32BE(at[6]), meterNumber: null,
    });
  });
  return rows;
}

function text(data: Buffer, at: number, length: number): string | null {
  return length === -1 ? null : data.toString('utf8', at, at + length);
}

/**
 * Calls `row` for each tuple of a whole binary COPY output with where each field starts and its
 * length (-1: NULL); the arrays are reused from tuple to tuple.
 */
export function forEachTuple(data: Buffer, row: (at: Int32Array, length: Int32Array) => void): void {
  if (data.length < 21 || !data.subarray(0, SIGNATURE.length).equals(SIGNATURE)) throw new Error('not a binary COPY output');
  let at = SIGNATURE.length + 4;
  at += 4 + data.readUInt32BE(at);
  let starts = new Int32Array(0);
  let lengths = new Int32Array(0);
  for (;;) {
    const count = data.readInt16BE(at);
    at += 2;
    if (count === -1) return;
    if (starts.length !== count) [starts, lengths] = [new Int32Array(count), new Int32Array(count)];
    for (let i = 0; i < count; i++) {
      const length = data.readInt32BE(at);
      at += 4;
      starts[i] = at;
      lengths[i] = length;
      if (length > 0) at += length;
    }
    row(starts, lengths);
  }
}
