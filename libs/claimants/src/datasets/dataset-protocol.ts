/**
 * The dataset upload protocol shared by the server and the CLI. A chunk body is, for each row
 * in file order, one 32-byte blind index per declared field (in the dataset's field order);
 * 32 zero bytes mean the row had no valid identifier of that kind. A dataset created with
 * `categories` (data categories the procurator mapped to columns, PIPL art. 28) adds to each row,
 * after its hashes, a 4-byte big-endian bitmask of the categories present in the row (a
 * non-empty cell): bit i for `categories[i]`. Never a value: only whether the cell was filled.
 * A dataset created without categories has the original layout (hashes only).
 */
export const DATASET_FIELDS = ['ID_NUMBER', 'PHONE'] as const;
export type DatasetField = (typeof DATASET_FIELDS)[number];
export const HASH_BYTES = 32;
export const DEFAULT_CHUNK_ROWS = 100_000;
export const MAX_CHUNK_ROWS = 250_000;
/** Bytes of a row's category bitmask, when the dataset declares categories. */
export const CATEGORY_MASK_BYTES = 4;
/** At most this many categories per dataset: the bits of a positive 32-bit integer. */
export const MAX_DATASET_CATEGORIES = 31;

/** Bytes of one row of a chunk body: the hashes, and the category bitmask when there are categories. */
export function datasetRowBytes(fields: number, categories: number): number {
  return HASH_BYTES * fields + (categories > 0 ? CATEGORY_MASK_BYTES : 0);
}

export interface CreateDatasetRequest {
  incidentId: string;
  source: string;
  fileName?: string;
  fields: DatasetField[];
  chunkRows: number;
  /** Data categories (libs/leaks DataCategory names) carried per row as a bitmask, in bit order; default none. */
  categories?: string[];
}

export interface DatasetStatus {
  id: string;
  incidentId: string;
  status: 'RECEIVING' | 'COMPLETE';
  fields: DatasetField[];
  chunkRows: number;
  categories: string[];
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
