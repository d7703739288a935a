import { type DynamicModule, Global, Inject, Module } from '@nestjs/common';
import { SecretBox } from '../crypto/secret-box';
import type { AppConfig } from './app-config';

export const APP_CONFIG = Symbol('APP_CONFIG');

/** Injects the `AppConfig` built at boot. The module also provides the process's `SecretBox`. */
export const InjectConfig = (): PropertyDecorator & ParameterDecorator => Inject(APP_CONFIG);

@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ConfigModule,
      // One box for the whole process, sealing and opening with the configured key.
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: SecretBox, useFactory: () => new SecretBox(config.security.secretKey) },
      ],
      exports: [APP_CONFIG, SecretBox],
    };
  }
}
