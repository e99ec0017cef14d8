export type DeliveryStatus = 'pending' | 'success' | 'failed';

export interface DeliveryRow {
  id: string;
  account_id: string;
  webhook_id: string;
  event_id: string;
  event_type: string;
  status: DeliveryStatus;
  attempts: number;
  response_code: number | null;
  response_time: number | null;
  response_body: string | null;
  delivered_at: Date | null;
  error: string | null;
  next_attempt_at: Date | null;
  original_delivery_id: string | null;
  created_at: Date;
  /** The event's data as stored JSON text and its time: the envelope is rebuilt from them. */
  data_json: string;
  event_time: Date;
}

export interface AttemptRow {
  attempt: number;
  started_at: Date;
  finished_at: Date | null;
  response_code: number | null;
  response_time: number | null;
  response_body: string | null;
  error: string | null;
}

export interface DeliveryFilter {
  status?: DeliveryStatus;
  event_type?: string;
  start_date?: Date;
  end_date?: Date;
  limit: number;
  offset: number;
}

/** What an attempt needs, loaded by the claim in the same statement that takes the lease. */
export interface ClaimedDelivery {
  id: string;
  attempt: number;
  event_id: string;
  webhook_id: string;
  account_id: string;
  event_type: string;
  url: string;
  secret: string;
  headers: Record<string, string>;
  timeout: number;
  retry_policy: Record<string, unknown>;
  format: string;
  template: Record<string, string> | null;
  data_json: string;
  event_time: Date;
  project_id: string | null;
}

/** The recorded end of one attempt. */
export interface AttemptRecord {
  deliveryId: string;
  attempt: number;
  finishedAt: Date;
  responseCode: number | null;
  responseTime: number | null;
  responseBody: string | null;
  error: string | null;
  status: DeliveryStatus;
  nextAttemptAt: Date | null;
}
