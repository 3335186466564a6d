import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

/**
 * The query string of `POST /cases/:caseId/evidence`: the file's title and source, the party
 * that produced it (the court names the defendant or agency; the plaintiff side may leave it out:
 * its own party) and the obligations it addresses (comma-separated ids).
 */
export class SubmitEvidenceQuery {
  @MaxLength(500)
  @IsString()
  // Listed last, checked first: a missing title is reported as missing, not as too long.
  @IsNotEmpty({ message: 'is required' })
  title: string;

  @MaxLength(500)
  @IsString()
  // Listed last, checked first: a missing source is reported as missing, not as too long.
  @IsNotEmpty({ message: 'is required' })
  source: string;

  @IsOptional()
  @IsUUID()
  partyId?: string;

  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.split(',').filter(Boolean) : value))
  @IsArray()
  @ArrayMaxSize(50)
  @IsUUID('all', { each: true })
  obligationIds?: string[];
}
