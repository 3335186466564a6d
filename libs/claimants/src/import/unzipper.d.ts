/** The part of unzipper (exceljs's own zip reader, which ships no types) that sheet.ts uses. */
declare module 'unzipper' {
  import type { Readable } from 'node:stream';
  /** One entry of a zip's central directory: its path, its declared uncompressed size (bytes), its inflated bytes. */
  export interface CentralDirectoryFile {
    path: string;
    type: 'File' | 'Directory';
    uncompressedSize: number;
    stream(): Readable;
  }
  export const Open: { file(path: string): Promise<{ files: CentralDirectoryFile[] }> };
}
