import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppConfig } from '@hookpost/core/config/app-config';
import { ApiModule } from './api.module';
import { ErrorFilter } from './http/error.filter';
import { jsonBodyMiddleware } from './http/json-body';
import { requestLogMiddleware } from './http/request-log';
import { createValidationPipe } from './http/validation';

/** The API application, configured the same way for production and for the end-to-end tests. */
export async function createApiApp(
  config: AppConfig,
  opts: { quiet?: boolean } = {},
): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(config), {
    bodyParser: false,
    bufferLogs: true,
    logger: opts.quiet ? false : undefined,
  });
  app.useLogger(app.get(Logger));
  app.set('x-powered-by', false);
  app.set('query parser', 'simple');
  app.use(requestLogMiddleware());
  app.use(jsonBodyMiddleware(config.MAX_PAYLOAD_BYTES));
  app.useGlobalFilters(new ErrorFilter());
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Hookpost')
      .setDescription('Outbound webhooks: signed deliveries, retries, history, replay and stats.')
      .setVersion('1.0')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
  return app;
}
