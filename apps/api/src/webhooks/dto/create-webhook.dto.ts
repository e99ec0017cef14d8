import { ApiProperty } from '@nestjs/swagger';
import { IsDefined } from 'class-validator';
import { WebhookFieldsDto } from './webhook-fields.dto';

export class CreateWebhookDto extends WebhookFieldsDto {
  static override readonly partial = false;

  @ApiProperty({ maxLength: 2048 })
  @IsDefined({ message: 'url is required' })
  declare url: string;

  @ApiProperty({ type: [String] })
  @IsDefined({ message: 'events is required' })
  declare events: string[];

  @ApiProperty({ minLength: 1, maxLength: 255 })
  @IsDefined({ message: 'name is required' })
  declare name: string;
}
