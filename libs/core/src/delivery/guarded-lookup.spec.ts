import { LookupAddress } from 'node:dns';
import {
  ForbiddenDestinationError,
  guardedLookup,
  isForbiddenDestinationError,
  plainLookup,
  Resolver,
} from './guarded-lookup';

interface Outcome {
  err: NodeJS.ErrnoException | null;
  address: string | LookupAddress[];
  family?: number;
}

function resolverOf(answer: LookupAddress[] | NodeJS.ErrnoException, seen: unknown[] = []): Resolver {
  return (hostname, options, callback) => {
    seen.push({ hostname, options });
    if (Array.isArray(answer)) callback(null, answer);
    else callback(answer, []);
  };
}

function run(lookup: ReturnType<typeof guardedLookup>, all: boolean): Promise<Outcome> {
  return new Promise((resolve) =>
    lookup('hooks.example.test', { all, family: 0 }, (err, address, family) =>
      resolve({ err, address, family }),
    ),
  );
}

const v4 = (address: string): LookupAddress => ({ address, family: 4 });
const v6 = (address: string): LookupAddress => ({ address, family: 6 });

describe('guardedLookup', () => {
  it('passes public addresses through, first one when net asks for one', async () => {
    const lookup = guardedLookup(resolverOf([v4('93.184.216.34'), v6('2606:2800:220:1::1')]));
    expect(await run(lookup, false)).toEqual({ err: null, address: '93.184.216.34', family: 4 });
  });

  it('passes every public address through when net asks for all', async () => {
    const addresses = [v6('2606:2800:220:1::1'), v4('93.184.216.34')];
    const outcome = await run(guardedLookup(resolverOf(addresses)), true);
    expect(outcome.err).toBeNull();
    expect(outcome.address).toEqual(addresses);
  });

  it.each([
    ['loopback', [v4('127.0.0.1')]],
    ['cloud metadata', [v4('169.254.169.254')]],
    ['private', [v4('10.1.2.3')]],
    ['IPv6 loopback', [v6('::1')]],
    ['IPv4-mapped loopback', [v6('::ffff:127.0.0.1')]],
    ['a private address after a public one', [v4('93.184.216.34'), v4('192.168.0.10')]],
  ])('refuses a name resolving to %s', async (_label, addresses) => {
    for (const all of [false, true]) {
      const outcome = await run(guardedLookup(resolverOf(addresses)), all);
      expect(outcome.err).toBeInstanceOf(ForbiddenDestinationError);
      expect(outcome.err?.message).toBe('destination not allowed');
      expect(isForbiddenDestinationError(outcome.err)).toBe(true);
    }
  });

  it('passes resolver errors through untouched', async () => {
    const notFound: NodeJS.ErrnoException = Object.assign(new Error('getaddrinfo ENOTFOUND x'), {
      code: 'ENOTFOUND',
    });
    const outcome = await run(guardedLookup(resolverOf(notFound)), false);
    expect(outcome.err).toBe(notFound);
    expect(isForbiddenDestinationError(outcome.err)).toBe(false);
  });

  it('treats an empty answer as not found', async () => {
    const outcome = await run(guardedLookup(resolverOf([])), false);
    expect(outcome.err?.code).toBe('ENOTFOUND');
  });

  it('asks the resolver for every address, keeping the other options', async () => {
    const seen: unknown[] = [];
    await run(guardedLookup(resolverOf([v4('93.184.216.34')], seen)), false);
    expect(seen).toEqual([{ hostname: 'hooks.example.test', options: { all: true, family: 0 } }]);
  });

  it('asks again on every connect, so a rebinding answer is seen', async () => {
    let calls = 0;
    const rebinding: Resolver = (_h, _o, cb) =>
      cb(null, [calls++ === 0 ? v4('93.184.216.34') : v4('127.0.0.1')]);
    const lookup = guardedLookup(rebinding);
    expect((await run(lookup, false)).err).toBeNull();
    expect((await run(lookup, false)).err).toBeInstanceOf(ForbiddenDestinationError);
  });

  it('uses the system resolver by default', async () => {
    const lookup = guardedLookup();
    const outcome = await new Promise<Outcome>((resolve) =>
      lookup('localhost', { all: true }, (err, address) => resolve({ err, address })),
    );
    expect(isForbiddenDestinationError(outcome.err)).toBe(true);
  });
});

describe('plainLookup', () => {
  it('lets private addresses through', async () => {
    expect(await run(plainLookup(resolverOf([v4('127.0.0.1')])), false)).toEqual({
      err: null,
      address: '127.0.0.1',
      family: 4,
    });
    const all = await run(plainLookup(resolverOf([v6('::1'), v4('127.0.0.1')])), true);
    expect(all.address).toEqual([v6('::1'), v4('127.0.0.1')]);
  });

  it('still reports resolver errors and empty answers', async () => {
    const failure: NodeJS.ErrnoException = Object.assign(new Error('temporary'), { code: 'EAI_AGAIN' });
    expect((await run(plainLookup(resolverOf(failure)), false)).err).toBe(failure);
    expect((await run(plainLookup(resolverOf([])), true)).err?.code).toBe('ENOTFOUND');
  });
});

describe('isForbiddenDestinationError', () => {
  it('recognises the error by its code', () => {
    expect(isForbiddenDestinationError(new ForbiddenDestinationError())).toBe(true);
    expect(isForbiddenDestinationError({ code: 'ERR_FORBIDDEN_DESTINATION' })).toBe(true);
    expect(isForbiddenDestinationError(new Error('destination not allowed'))).toBe(false);
    expect(isForbiddenDestinationError(null)).toBe(false);
    expect(isForbiddenDestinationError(undefined)).toBe(false);
  });
});
