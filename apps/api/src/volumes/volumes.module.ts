import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { ApplicationMountsController, ApplicationVolumesController, ServerVolumesController } from './volumes.controller';
import { VolumesService } from './volumes.service';

/** Named volumes, bind mounts and files of applications, and the team's orphaned volumes on a server (docs/volumes.md). */
@Module({
  imports: [AccessModule],
  controllers: [ApplicationVolumesController, ApplicationMountsController, ServerVolumesController],
  providers: [VolumesService],
})
export class VolumesModule {}
