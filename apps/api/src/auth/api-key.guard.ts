import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { AccountsRepository } from '@hookpost/core/accounts/accounts.repository';
import { hashApiKey } from '@hookpost/core/accounts/api-key';

const CACHE_TTL_MS = 10_000;
const CACHE_MAX = 10_000;

/**
 * Bearer API key on every /api route. Lookups are cached for a few seconds by the key's hash (never the
 * key itself) so ingest at a thousand requests a second does not cost a query each.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly cache = new Map<string, { accountId: string; expires: number }>();

  constructor(private readonly accounts: AccountsRepository) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest();
    const header: unknown = req.headers['authorization'];
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) throw new UnauthorizedException('missing bearer API key in the Authorization header');
    const key = match[1];
    const cacheKey = hashApiKey(key).toString('base64');
    const now = Date.now();
    const hit = this.cache.get(cacheKey);
    let accountId = hit && hit.expires > now ? hit.accountId : null;
    if (!accountId) {
      accountId = await this.accounts.accountIdForKey(key);
      if (!accountId) throw new UnauthorizedException('invalid API key');
      if (this.cache.size >= CACHE_MAX) this.cache.clear();
      this.cache.set(cacheKey, { accountId, expires: now + CACHE_TTL_MS });
    }
    req.accountId = accountId;
    return true;
  }
}
