import { registerDecorator, ValidateIf, ValidationOptions } from 'class-validator';
import { isSubscribable, subscribableNames } from '@hookpost/core/event-types/catalog';
import { validateTemplate } from '@hookpost/core/formats';
import { keyPathSegments } from '@hookpost/core/throttle/throttle';

/** Optional, but when present must not be null: fields that have no "empty" value in the store. */
export const OptionalNotNull = () => ValidateIf((_: unknown, value: unknown) => value !== undefined);

/**
 * For fields a create requires and an update may leave out: validated when present, and always when the
 * DTO class says it is not partial (a plain ValidateIf would skip IsDefined too).
 */
export const RequiredUnlessPartial = () =>
  ValidateIf(
    (o: object, value: unknown) => value !== undefined || !(o.constructor as { partial?: boolean }).partial,
  );

/** Optional and clearable with null (description, project_id). */
export const OptionalNullable = () =>
  ValidateIf((_: unknown, value: unknown) => value !== undefined && value !== null);

function custom(name: string, check: (value: unknown) => string | null, options?: ValidationOptions) {
  return (object: object, propertyName: string) => {
    let lastError = '';
    registerDecorator({
      name,
      target: object.constructor,
      propertyName,
      options,
      validator: {
        validate(value: unknown) {
          const problem = check(value);
          lastError = problem ?? '';
          return problem === null;
        },
        defaultMessage: (args) => `${args?.property ?? propertyName} ${lastError}`,
      },
    });
  };
}

export const IsWebhookUrl = () =>
  custom('isWebhookUrl', (value) => {
    if (typeof value !== 'string' || value.length === 0) return 'must be an absolute http or https URL';
    if (value.length > 2048) return 'must be at most 2048 characters';
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return 'must be an absolute http or https URL';
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must use http or https';
    if (!url.hostname) return 'must name a host';
    if (url.username || url.password) return 'must not contain credentials';
    return null;
  });

export const IsEventList = () =>
  custom('isEventList', (value) => {
    if (!Array.isArray(value)) return 'must be an array of event types';
    if (value.length < 1 || value.length > 100) return 'must have between 1 and 100 entries';
    if (value.some((v) => typeof v !== 'string')) return 'must contain only strings';
    const unknown = value.filter((v) => !isSubscribable(v));
    if (unknown.length > 0) {
      return `contains unknown event types: ${unknown.join(', ')}; valid: ${subscribableNames().join(', ')}`;
    }
    return null;
  });

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const RESERVED = new Set([
  'content-type',
  'content-length',
  'host',
  'transfer-encoding',
  'connection',
  'user-agent',
]);

export function isReservedHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return RESERVED.has(lower) || lower.startsWith('x-trae-') || lower.startsWith('webhook-');
}

export const IsHeaderMap = () =>
  custom('isHeaderMap', (value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      return 'must be an object of strings';
    const entries = Object.entries(value);
    if (entries.length > 20) return 'must have at most 20 entries';
    for (const [name, v] of entries) {
      if (!TOKEN.test(name)) return `name "${name.slice(0, 64)}" is not a valid header name`;
      if (isReservedHeader(name)) return `name "${name}" is set by Hookpost and cannot be overridden`;
      if (typeof v !== 'string') return `value of "${name}" must be a string`;
      if (/[\r\n]/.test(v)) return `value of "${name}" must not contain CR or LF`;
      if (v.length > 1024) return `value of "${name}" must be at most 1024 characters`;
    }
    return null;
  });

export const IsTemplate = () =>
  custom('isTemplate', (value) => {
    const problems = validateTemplate(value);
    return problems.length === 0 ? null : `is invalid: ${problems.join('; ')}`;
  });

/** One message per bad value, where IsInt + Min + Max would give up to three for the same mistake. */
export const IsIntBetween = (min: number, max: number, what = 'an integer') =>
  custom('isIntBetween', (value) =>
    typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max
      ? null
      : `must be ${what} from ${min} to ${max}`,
  );

export const IsThrottleKey = () =>
  custom('isThrottleKey', (value) => {
    if (typeof value !== 'string') return 'must be a dotted path like data.alert_name';
    const segments = keyPathSegments(value);
    return typeof segments === 'string' ? segments : null;
  });
