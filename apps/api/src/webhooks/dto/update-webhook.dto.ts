import { WebhookFieldsDto } from './webhook-fields.dto';

/** A partial update: only the fields given change. */
export class UpdateWebhookDto extends WebhookFieldsDto {}
