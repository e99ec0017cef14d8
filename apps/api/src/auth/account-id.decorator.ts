import { createParamDecorator, ExecutionContext } from '@nestjs/common';

/** The stored id of the account whose API key authenticated this request. */
export const AccountId = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  return ctx.switchToHttp().getRequest().accountId;
});
