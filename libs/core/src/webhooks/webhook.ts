import type { RetryPolicy } from '../delivery/retry-policy';
import type { Throttle } from '../throttle/throttle';

/** A webhook as stored; ids are the stored uuids, the API layer turns them into public ids. */
export interface Webhook {
  id: string;
  account_id: string;
  url: string;
  events: string[];
  name: string;
  description: string | null;
  secret: string;
  active: boolean;
  project_id: string | null;
  headers: Record<string, string>;
  timeout: number;
  retry_policy: Partial<RetryPolicy>;
  format: string;
  template: Record<string, string> | null;
  throttle: Throttle | null;
  created_by: string;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
}

export type WebhookInsert = Omit<Webhook, 'created_at' | 'updated_at' | 'deleted_at'>;
export type WebhookPatch = Partial<
  Pick<
    Webhook,
    | 'url'
    | 'events'
    | 'name'
    | 'description'
    | 'secret'
    | 'active'
    | 'project_id'
    | 'headers'
    | 'timeout'
    | 'retry_policy'
    | 'format'
    | 'template'
    | 'throttle'
  >
>;

export type WebhookSort = 'created_at' | 'updated_at' | 'name';

export interface WebhookListQuery {
  project_id?: string;
  active?: boolean;
  limit: number;
  offset: number;
  sort: WebhookSort;
  order: 'asc' | 'desc';
}
