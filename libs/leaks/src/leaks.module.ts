import { Module } from '@nestjs/common';
import { LeakIncidentsRepository } from './leak-incidents.repository';
import { LeakIncidentsResolver } from './leak-incidents.resolver';
import { LeakIncidentsService } from './leak-incidents.service';

/** Leak incidents: the clues cases are opened on. Depends on the platform only. */
@Module({
  providers: [LeakIncidentsRepository, LeakIncidentsService, LeakIncidentsResolver],
  exports: [LeakIncidentsRepository, LeakIncidentsService],
})
export class LeaksModule {}
