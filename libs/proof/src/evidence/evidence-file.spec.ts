import { DOCX, sniffContentType, XLSX } from './evidence-file';

const none = { word: false, xl: false };

describe('the content type of an evidence file, from its bytes', () => {
  it('knows PDF, PNG and JPEG by their magic numbers, whatever follows', () => {
    expect(sniffContentType(Buffer.from('%PDF-1.7\n%\xe2\xe3', 'latin1'), none)).toBe('application/pdf');
    expect(sniffContentType(Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), none)).toBe('image/png');
    expect(sniffContentType(Buffer.from('ffd8ffe000104a464946', 'hex'), none)).toBe('image/jpeg');
  });

  it('tells a DOCX and an XLSX from another ZIP by their parts', () => {
    const zip = Buffer.from('504b030414000600', 'hex');
    expect(sniffContentType(zip, { word: true, xl: false })).toBe(DOCX);
    expect(sniffContentType(zip, { word: false, xl: true })).toBe(XLSX);
    expect(sniffContentType(zip, none)).toBe('application/zip');
  });

  it('takes UTF-8 without control characters as plain text, a sequence cut at the end of the sniffed head included', () => {
    expect(sniffContentType(Buffer.from('出警记录\r\n\t第一页\f'), none)).toBe('text/plain; charset=utf-8');
    expect(sniffContentType(Buffer.from('记录').subarray(0, 5), none)).toBe('text/plain; charset=utf-8');
  });

  it('calls anything else application/octet-stream, never what the client claimed', () => {
    expect(sniffContentType(Buffer.from([0x00, 0x01, 0x02]), none)).toBe('application/octet-stream');
    expect(sniffContentType(Buffer.from('c328', 'hex'), none)).toBe('application/octet-stream');
    // GB18030 text is not UTF-8.
    expect(sniffContentType(Buffer.from('b3f6beafbcc7c2bc', 'hex'), none)).toBe('application/octet-stream');
  });
});
