import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { ZPANEL_VERSION } from '@zpanel/core';

/** Swagger UI at /api/docs, the OpenAPI JSON at /api/docs-json. */
export function setUpSwagger(app: INestApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Zpanel API')
      .setDescription(
        'REST API of Zpanel. Versioned under /api/v1. Errors are application/problem+json ' +
          '`{ type, title, status, detail, code, errors?, traceId }`; list endpoints take `page` and `perPage`.',
      )
      .setVersion(ZPANEL_VERSION)
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'API token (zp_…) or access token' })
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json', customSiteTitle: 'Zpanel API' });
}
