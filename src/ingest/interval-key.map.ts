import type { IntervalKey } from './ingest.store';

/**
 * Values by interval key (operating day, channel, ESI ID) without a string built for each key: one
 * map of ESI IDs per day and channel, and the last one used kept at hand, since a file's records
 * come a day and channel at a time. The ESI ID strings are the records' own.
 */
export class IntervalKeyMap<V> {
  private readonly byDayChannel = new Map<string, Map<string, V>>();
  private lastDay = '';
  private lastChannel = -1;
  private last: Map<string, V> | null = null;

  get(key: IntervalKey): V | undefined {
    return this.esiidsOf(key, false)?.get(key.esiid);
  }

  set(key: IntervalKey, value: V): void {
    this.esiidsOf(key, true)!.set(key.esiid, value);
  }

  private esiidsOf(key: IntervalKey, create: boolean): Map<string, V> | null {
    if (key.operatingDay === this.lastDay && key.channel === this.lastChannel && this.last) return this.last;
    const name = `${key.operatingDay}|${key.channel}`;
    let esiids = this.byDayChannel.get(name);
    if (!esiids) {
      if (!create) return null;
      this.byDayChannel.set(name, (esiids = new Map()));
    }
    this.lastDay = key.operatingDay;
    this.lastChannel = key.channel;
    this.last = esiids;
    return esiids;
  }
}
