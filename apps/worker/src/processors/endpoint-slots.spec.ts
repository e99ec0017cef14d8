import { EndpointSlots } from './endpoint-slots';

describe('EndpointSlots', () => {
  it('caps each endpoint independently and frees slots on release', () => {
    const slots = new EndpointSlots(2);
    expect(slots.tryAcquire('a')).toBe(true);
    expect(slots.tryAcquire('a')).toBe(true);
    expect(slots.tryAcquire('a')).toBe(false);
    expect(slots.tryAcquire('b')).toBe(true);
    slots.release('a');
    expect(slots.tryAcquire('a')).toBe(true);
  });

  it('hands a released slot to the oldest waiter, and gives up after the wait', async () => {
    jest.useFakeTimers();
    const slots = new EndpointSlots(1);
    expect(slots.tryAcquire('a')).toBe(true);
    const first = slots.acquire('a', 100);
    const second = slots.acquire('a', 100);
    slots.release('a');
    await expect(first).resolves.toBe(true);
    expect(slots.tryAcquire('a')).toBe(false);
    jest.advanceTimersByTime(100);
    await expect(second).resolves.toBe(false);
    slots.release('a');
    expect(slots.tryAcquire('a')).toBe(true);
    jest.useRealTimers();
  });
});
