import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsObject, IsString, Length, MaxLength, ValidateIf } from 'class-validator';

export class PublishEventDto {
  @ApiProperty({ example: 'build.completed' })
  @IsDefined({ message: 'event is required' })
  @IsString()
  @MaxLength(128)
  event: string;

  @ApiProperty({ type: 'object', additionalProperties: true })
  @IsDefined({ message: 'data is required' })
  @IsObject({ message: 'data must be a JSON object' })
  data: Record<string, unknown>;

  @ApiPropertyOptional({ minLength: 1, maxLength: 128, nullable: true })
  @ValidateIf((_, v) => v !== undefined && v !== null)
  @IsString()
  @Length(1, 128)
  project_id?: string | null;
}
