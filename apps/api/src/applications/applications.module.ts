import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { ApplicationsController } from './applications.controller';
import { ApplicationEnvController, EnvironmentEnvController } from './env-vars.controller';
import { ApplicationsService } from './applications.service';
import { EnvVarsService } from './env-vars.service';
import { EnvironmentsController, ProjectsController } from './projects.controller';
import { ProjectsService } from './projects.service';

@Module({
  imports: [AccessModule],
  controllers: [ProjectsController, EnvironmentsController, EnvironmentEnvController, ApplicationsController, ApplicationEnvController],
  providers: [ProjectsService, ApplicationsService, EnvVarsService],
  // Previews are applications with their own variables' scope.
  exports: [ApplicationsService, EnvVarsService],
})
export class ApplicationsModule {}
