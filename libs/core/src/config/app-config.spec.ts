import { ConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('fills the documented defaults', () => {
    const config = loadConfig({});
    expect(config.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/hookpost');
    expect(config.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(config.PORT).toBe(3000);
    expect(config.ALLOW_PRIVATE_DESTINATIONS).toBe(false);
    expect(config.MAX_PAYLOAD_BYTES).toBe(262144);
    expect(config.LOG_LEVEL).toBe('info');
    expect(config.BOOTSTRAP_API_KEY).toBeUndefined();
  });

  it('parses typed values', () => {
    const config = loadConfig({ PORT: '8080', ALLOW_PRIVATE_DESTINATIONS: 'true', WORKER_CONCURRENCY: '7' });
    expect(config.PORT).toBe(8080);
    expect(config.ALLOW_PRIVATE_DESTINATIONS).toBe(true);
    expect(config.WORKER_CONCURRENCY).toBe(7);
  });

  it('names the bad variable but never prints its value', () => {
    const secretish = 'postgresXX://user:hunter2@db/x';
    let message = '';
    try {
      loadConfig({ DATABASE_URL: secretish, PORT: 'eighty' });
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      message = (e as Error).message;
    }
    expect(message).toContain('DATABASE_URL');
    expect(message).toContain('PORT');
    expect(message).not.toContain('hunter2');
    expect(message).not.toContain('eighty');
  });

  it('rejects a short bootstrap key without echoing it', () => {
    expect(() => loadConfig({ BOOTSTRAP_API_KEY: 'shortkey' })).toThrow(/BOOTSTRAP_API_KEY/);
    expect(() => loadConfig({ BOOTSTRAP_API_KEY: 'shortkey' })).not.toThrow(/shortkey/);
  });
});
