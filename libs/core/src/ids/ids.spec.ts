import { fromPublicId, newUuid, toPublicId } from './ids';

describe('public ids', () => {
  it('round-trips a stored uuid through its public form', () => {
    const uuid = newUuid();
    const id = toPublicId('del', uuid);
    expect(id).toMatch(/^del_[0-9a-f]{32}$/);
    expect(fromPublicId('del', id)).toBe(uuid);
  });

  it('rejects another prefix and malformed ids', () => {
    const id = toPublicId('webhook', newUuid());
    expect(fromPublicId('del', id)).toBeNull();
    expect(fromPublicId('webhook', 'webhook_123')).toBeNull();
    expect(fromPublicId('webhook', 'webhook_' + 'z'.repeat(32))).toBeNull();
    expect(fromPublicId('webhook', undefined)).toBeNull();
  });

  it('sorts by creation time', () => {
    const a = toPublicId('event', newUuid());
    const b = toPublicId('event', newUuid());
    expect(a < b).toBe(true);
  });
});
