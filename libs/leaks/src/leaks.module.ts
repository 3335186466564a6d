import { Module } from '@nestjs/common';
import { Clock } from './clock';
import { LeakIncidentsRepository } from './leak-incidents.repository';
import { LeakIncidentsResolver } from './leak-incidents.resolver';
import { LeakIncidentsService } from './leak-incidents.service';

/** Leak incidents: the clues cases are opened on. Depends on the platform only. */
@Module({
  providers: [Clock, LeakIncidentsRepository, LeakIncidentsService, LeakIncidentsResolver],
  exports: [Clock, LeakIncidentsRepository, LeakIncidentsService],
})
export class LeaksModule {}
