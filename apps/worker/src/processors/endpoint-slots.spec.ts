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
});
