import { MicroBatcher } from './micro-batcher';

describe('MicroBatcher', () => {
  it('folds calls made in one turn into one batch and answers each caller with its own result', async () => {
    const batches: number[][] = [];
    const batcher = new MicroBatcher(async (items: number[]) => {
      batches.push(items);
      return items.map((i) => i * 10);
    });
    const results = await Promise.all([1, 2, 3].map((i) => batcher.call(i)));
    expect(results).toEqual([10, 20, 30]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('splits at maxBatch', async () => {
    const batches: number[][] = [];
    const batcher = new MicroBatcher(
      async (items: number[]) => {
        batches.push(items);
        return items;
      },
      { maxBatch: 2 },
    );
    await Promise.all([1, 2, 3, 4, 5].map((i) => batcher.call(i)));
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('calls in a later turn make a new batch', async () => {
    const batches: number[][] = [];
    const batcher = new MicroBatcher(async (items: number[]) => {
      batches.push(items);
      return items;
    });
    await batcher.call(1);
    await batcher.call(2);
    expect(batches).toEqual([[1], [2]]);
  });

  it('when a batch fails, retries each item alone so only the bad one fails', async () => {
    const batcher = new MicroBatcher(async (items: number[]) => {
      if (items.includes(2)) throw new Error('bad item 2');
      return items.map((i) => i + 1);
    });
    const settled = await Promise.allSettled([1, 2, 3].map((i) => batcher.call(i)));
    expect(settled).toEqual([
      { status: 'fulfilled', value: 2 },
      { status: 'rejected', reason: new Error('bad item 2') },
      { status: 'fulfilled', value: 4 },
    ]);
  });

  it('rejects every caller when the batch answers the wrong number of results', async () => {
    const batcher = new MicroBatcher(async () => [] as number[]);
    await expect(batcher.call(1)).rejects.toThrow('batch answered 0 results for 1 items');
  });

  it('with a linger, folds calls made within it into one batch, and a full batch does not wait', async () => {
    jest.useFakeTimers();
    try {
      const batches: number[][] = [];
      const batcher = new MicroBatcher(
        async (items: number[]) => {
          batches.push(items);
          return items;
        },
        { maxBatch: 3, lingerMs: 5 },
      );
      const first = batcher.call(1);
      jest.advanceTimersByTime(4);
      const second = batcher.call(2);
      expect(batches).toEqual([]);
      jest.advanceTimersByTime(1);
      await expect(Promise.all([first, second])).resolves.toEqual([1, 2]);
      expect(batches).toEqual([[1, 2]]);
      const full = Promise.all([3, 4, 5].map((i) => batcher.call(i)));
      await expect(full).resolves.toEqual([3, 4, 5]);
      expect(batches).toEqual([
        [1, 2],
        [3, 4, 5],
      ]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('with maxInFlight, calls made while the batches run wait and then go together in one batch', async () => {
    const batches: number[][] = [];
    const finishFirst: (() => void)[] = [];
    const batcher = new MicroBatcher(
      async (items: number[]) => {
        batches.push(items);
        if (batches.length === 1) await new Promise<void>((resolve) => finishFirst.push(resolve));
        return items;
      },
      { maxInFlight: 1 },
    );
    const first = batcher.call(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([[1]]);
    const later = [2, 3, 4].map((i) => batcher.call(i));
    for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([[1]]);
    finishFirst[0]();
    await expect(Promise.all([first, ...later])).resolves.toEqual([1, 2, 3, 4]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });
});
