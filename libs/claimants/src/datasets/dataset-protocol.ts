/**
 * The dataset upload protocol shared by the server and the CLI. A chunk body is, for each row
 * in file order, one 32-byte blind index per declared field (in the dataset's field order);
 * 32 zero bytes mean the row had no valid identifier of that kind.
 */
export const DATASET_FIELDS = ['ID_NUMBER', 'PHONE'] as const;
export type DatasetField = (typeof DATASET_FIELDS)[number];
export const HASH_BYTES = 32;
export const DEFAULT_CHUNK_ROWS = 100_000;
export const MAX_CHUNK_ROWS = 250_000;

export interface CreateDatasetRequest {
  incidentId: string;
  source: string;
  fileName?: string;
  fields: DatasetField[];
  chunkRows: number;
}

export interface DatasetStatus {
  id: string;
  incidentId: string;
  status: 'RECEIVING' | 'COMPLETE';
  fields: DatasetField[];
  chunkRows: number;
  receivedChunks: number[];
  rowsReceived: number;
  rowCount: number | null;
  /** Of rowCount, the rows without any valid identifier (blank lines, repeated headers, nothing readable); null until complete. */
  unusableRows: number | null;
  fileSha256: string | null;
}

export interface CompleteDatasetRequest {
  chunkCount: number;
  rowCount: number;
  /** The CLI's count of rows without any valid identifier; when given, it must agree with the rows received. */
  unusableRows?: number;
  fileSha256: string;
}
