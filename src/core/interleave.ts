/**
 * Reads several streams in turn, one item from each, until the one whose turn it is ends: the
 * order when stream i holds items i, i+n, i+2n… of one sequence. Every stream is asked for its
 * next item as soon as its previous one is taken, so they all work ahead at once.
 */
export async function* interleave<T>(streams: AsyncIterator<T>[]): AsyncGenerator<T> {
  const ahead = streams.map((stream) => stream.next());
  try {
    for (let turn = 0; ; turn = (turn + 1) % streams.length) {
      const item = await ahead[turn];
      if (item.done) return;
      ahead[turn] = streams[turn].next();
      yield item.value;
    }
  } finally {
    ahead.forEach((pending) => pending.catch(() => undefined));
    await Promise.all(streams.map((stream) => stream.return?.(undefined)));
  }
}
