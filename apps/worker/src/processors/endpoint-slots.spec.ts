import { Busy, CROWDED_RETRY_MS, EndpointSlots, Entry, Slot, SLOW_HOLD_MS } from './endpoint-slots';

const isSlot = (s: Slot | Busy): s is Slot => 'release' in s;

describe('EndpointSlots', () => {
  let clock = 0;
  const now = () => clock;
  beforeEach(() => {
    clock = 0;
    jest.useFakeTimers();
  });
  afterEach(() => jest.useRealTimers());

  it('caps each endpoint independently and frees slots on release', async () => {
    const slots = new EndpointSlots(2, 0, now);
    const a1 = await slots.acquire('a', 0);
    const a2 = await slots.acquire('a', 0);
    expect(isSlot(a1) && isSlot(a2)).toBe(true);
    expect(await slots.acquire('a', 0)).toEqual({ retryInMs: CROWDED_RETRY_MS });
    expect(isSlot(await slots.acquire('b', 0))).toBe(true);
    (a1 as Slot).release();
    expect(isSlot(await slots.acquire('a', 0))).toBe(true);
  });

  it('lets jobs of a fast endpoint wait: a released slot goes to the oldest waiter; a wait ends after waitMs', async () => {
    const slots = new EndpointSlots(1, 10, now);
    const held = (await slots.acquire('a', 100)) as Slot;
    const first = slots.acquire('a', 100);
    const second = slots.acquire('a', 100);
    clock += 5;
    held.release();
    const got = await first;
    expect(isSlot(got)).toBe(true);
    clock += 100;
    jest.advanceTimersByTime(100);
    await expect(second).resolves.toEqual({ retryInMs: 100 });
    (got as Slot).release();
    expect(isSlot(await slots.acquire('a', 0))).toBe(true);
  });

  it('bounds the waiters of one endpoint', async () => {
    const slots = new EndpointSlots(1, 1, now);
    await slots.acquire('a', 100);
    void slots.acquire('a', 100);
    expect(await slots.acquire('a', 100)).toEqual({ retryInMs: CROWDED_RETRY_MS });
  });

  it('sends jobs of an endpoint whose slots are held too long straight back, for about that long', async () => {
    const slots = new EndpointSlots(1, 10, now);
    await slots.acquire('hang', 100);
    clock += SLOW_HOLD_MS + 1;
    expect(await slots.acquire('hang', 100)).toEqual({ retryInMs: SLOW_HOLD_MS + 1 });
    clock += 60_000;
    expect(await slots.acquire('hang', 100)).toEqual({ retryInMs: 5_000 });
  });

  it('sends waiting jobs back as soon as their endpoint starts hanging', async () => {
    const slots = new EndpointSlots(1, 10, now);
    await slots.acquire('a', 0);
    const waiting = slots.acquire('a', 2 * SLOW_HOLD_MS);
    clock += SLOW_HOLD_MS + 10;
    jest.advanceTimersByTime(SLOW_HOLD_MS);
    await expect(waiting).resolves.toEqual({ retryInMs: SLOW_HOLD_MS + 10 });
  });

  it('remembers a slow endpoint by its average hold time after its slots are released', async () => {
    const slots = new EndpointSlots(1, 10, now);
    const s = (await slots.acquire('slow', 0)) as Slot;
    clock += 2_000;
    s.release();
    await slots.acquire('slow', 0);
    expect(await slots.acquire('slow', 100)).toEqual({ retryInMs: 2_000 });
  });

  it('lets jobs in before their claim, sending back at once what the endpoint would refuse', async () => {
    const slots = new EndpointSlots(1, 1, now);
    const first = slots.enter('a');
    expect('acquire' in first).toBe(true);
    const held = (await (first as Entry).acquire(0)) as Slot;
    expect(isSlot(held)).toBe(true);
    const waiter = slots.enter('a') as Entry;
    expect('acquire' in waiter).toBe(true);
    // The one waiting place is spoken for by the job on its way to its claim.
    expect(slots.enter('a')).toEqual({ retryInMs: CROWDED_RETRY_MS });
    waiter.leave();
    expect('acquire' in slots.enter('a')).toBe(true);
    clock += SLOW_HOLD_MS + 1;
    expect(slots.enter('a')).toEqual({ retryInMs: SLOW_HOLD_MS + 1 });
    expect('acquire' in slots.enter('b')).toBe(true);
    held.release();
  });

  it('lets in no more of a burst than the cap and the waiting places', () => {
    const slots = new EndpointSlots(2, 3, now);
    const answers = Array.from({ length: 8 }, () => slots.enter('a'));
    expect(answers.filter((a) => 'acquire' in a)).toHaveLength(5);
    expect(answers.slice(5)).toEqual([0, 0, 0].map(() => ({ retryInMs: CROWDED_RETRY_MS })));
  });

  it('gives an endpoint known to be fast as many waiting places as it serves within SLOW_HOLD_MS, up to the fast bound', async () => {
    const slots = new EndpointSlots(2, 3, now, 50);
    // Unknown endpoint: the usual bound.
    expect(Array.from({ length: 8 }, () => slots.enter('a')).filter((e) => 'acquire' in e)).toHaveLength(5);
    // Each slot is held for SLOW_HOLD_MS / 10: two slots serve 20 jobs within SLOW_HOLD_MS.
    const held = [await slots.acquire('fast', 0), await slots.acquire('fast', 0)] as Slot[];
    clock += SLOW_HOLD_MS / 10;
    held.forEach((s) => s.release());
    const burst = Array.from({ length: 30 }, () => slots.enter('fast'));
    expect(burst.filter((e) => 'acquire' in e)).toHaveLength(2 + 20);
    // A very fast endpoint gets no more than the fast bound.
    const quick = await slots.acquire('quick', 0);
    clock += 1;
    (quick as Slot).release();
    const flood = Array.from({ length: 100 }, () => slots.enter('quick'));
    expect(flood.filter((e) => 'acquire' in e)).toHaveLength(2 + 50);
  });
});
