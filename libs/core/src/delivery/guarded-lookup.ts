import { lookup as dnsLookup, LookupAddress, LookupAllOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { DESTINATION_NOT_ALLOWED } from './send-result';
import { isForbiddenAddress } from './ssrf';

/** Resolves a name to every address it has, the shape of `dns.lookup` with `all: true`. */
export type Resolver = (
  hostname: string,
  options: LookupAllOptions,
  callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

export const systemResolver: Resolver = (hostname, options, callback) =>
  dnsLookup(hostname, options, callback);

const FORBIDDEN_DESTINATION_CODE = 'ERR_FORBIDDEN_DESTINATION';

export class ForbiddenDestinationError extends Error {
  readonly code = FORBIDDEN_DESTINATION_CODE;

  constructor() {
    super(DESTINATION_NOT_ALLOWED);
    this.name = 'ForbiddenDestinationError';
  }
}

export function isForbiddenDestinationError(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === FORBIDDEN_DESTINATION_CODE;
}

/**
 * A `lookup` for net/tls connect that refuses a name when any address it resolves to is forbidden.
 * The check sits here, between resolution and connect, so the address checked is the address
 * connected to: a name that rebinds between validation and delivery cannot slip through.
 * All addresses are checked even when net wants one, because the contract fails a name that
 * resolves to a forbidden address, whatever else it resolves to.
 */
export function guardedLookup(resolve: Resolver = systemResolver): LookupFunction {
  return lookupVia(resolve, (addresses) =>
    addresses.some((a) => isForbiddenAddress(a.address)) ? new ForbiddenDestinationError() : null,
  );
}

/** The same `lookup` without the guard, for ALLOW_PRIVATE_DESTINATIONS. */
export function plainLookup(resolve: Resolver = systemResolver): LookupFunction {
  return lookupVia(resolve, () => null);
}

function lookupVia(resolve: Resolver, refuse: (addresses: LookupAddress[]) => Error | null): LookupFunction {
  return (hostname, options, callback) => {
    const fail = (err: NodeJS.ErrnoException) => callback(err, options.all ? [] : '');
    resolve(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return fail(err);
      if (addresses.length === 0) return fail(notFound(hostname));
      const refusal = refuse(addresses);
      if (refusal) return fail(refusal);
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

function notFound(hostname: string): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
  err.code = 'ENOTFOUND';
  return err;
}
