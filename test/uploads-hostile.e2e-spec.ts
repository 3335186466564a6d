import { once } from 'node:events';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { testEnv } from './support/api';
import { createTestDatabase, withClient } from './support/database';
import { freePort, httpGql, type ServerProcess, startServerProcess } from './support/server-process';
import { CSV_HEADER, csvRow, INCIDENT_INPUT, shareIncidentsThroughCase } from './support/claimants';

/** The import's body limit the server runs with here: small, so that oversized bodies are cheap to send. */
const IMPORT_MAX_BYTES = 256 * 1024;
const BOUNDARY = 'XXBOUND';
/** Uploads read at once, and the slowest pace accepted (1 byte per second over 2-second windows): small, so that both are cheap to reach. */
const UPLOAD_MAX_CONCURRENT = 2;
const UPLOAD_RATE_WINDOW_SECONDS = 2;
/** The bound on an XLSX's shared strings once inflated. */
const XLSX_MAX_SHARED_STRINGS_BYTES = 100_000;

interface RawAnswer {
  /** HTTP status, or null when the connection closed without an answer. */
  status: number | null;
  body: any;
}

/**
 * Malformed, truncated and abandoned uploads sent as raw bytes to the compiled API running as its
 * own process: an error event nobody listens to would kill it, which an in-process app would hide.
 */
describe('hostile and broken uploads', () => {
  let server: ServerProcess;
  let exited: string | null = null;
  let dbUrl: string;
  let drop: () => Promise<unknown>;
  let port: number;
  let association: string;
  let procurator: string;
  let incidentId: string;
  /** Where the server holds an XLSX upload while it reads it (IMPORT_TEMP_DIR). */
  const importTemp = join(mkdtempSync(join(tmpdir(), 'uploads-hostile-')), 'import-tmp');

  beforeAll(async () => {
    const database = await createTestDatabase();
    dbUrl = database.url;
    drop = database.drop;
    port = await freePort();
    server = await startServerProcess(
      testEnv(dbUrl, {
        IMPORT_MAX_BYTES: String(IMPORT_MAX_BYTES),
        IMPORT_TEMP_DIR: importTemp,
        IMPORT_XLSX_MAX_SHARED_STRINGS_BYTES: String(XLSX_MAX_SHARED_STRINGS_BYTES),
        UPLOAD_MAX_CONCURRENT: String(UPLOAD_MAX_CONCURRENT),
        UPLOAD_RATE_WINDOW_SECONDS: String(UPLOAD_RATE_WINDOW_SECONDS),
        UPLOAD_MIN_BYTES_PER_SECOND: '1',
      }),
      port,
    );
    server.child.on('exit', (code, signal) => (exited = `exited with ${code ?? signal}`));
    const login = async (email: string) =>
      (await httpGql(server.baseUrl, `mutation { login(email: "${email}", password: "leakcase-demo") { token } }`)).data.login.token as string;
    [association, procurator] = await Promise.all([login('association@demo.local'), login('procurator@demo.local')]);
    incidentId = (await httpGql(server.baseUrl, `mutation($i: RegisterLeakIncidentInput!) { registerLeakIncident(input: $i) { id } }`, { i: INCIDENT_INPUT }, procurator)).data
      .registerLeakIncident.id;
    await shareIncidentsThroughCase((q, v, t) => httpGql(server.baseUrl, q, v, t), procurator, [incidentId], ['CONSUMER_ASSOCIATION', 'PROCURATORATE']);
  });
  afterAll(async () => {
    await server?.stop();
    await drop?.();
    rmSync(join(importTemp, '..'), { recursive: true, force: true });
  });
  afterEach(() => expect(exited).toBeNull());

  /**
   * Sends `head` and `body` over a raw socket, then waits for the server's answer (or for the
   * connection to close). `abortAfterMs` destroys the socket that long after sending instead.
   */
  async function raw(head: string, body: Buffer | string = '', abortAfterMs?: number): Promise<RawAnswer> {
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    const chunks: Buffer[] = [];
    socket.on('data', (d) => chunks.push(d));
    const closed = new Promise<void>((resolve) => {
      socket.on('close', () => resolve());
      socket.on('error', () => resolve());
    });
    socket.write(head.replace(/\n/g, '\r\n') + '\r\n');
    socket.write(body);
    if (abortAfterMs !== undefined) {
      await new Promise((r) => setTimeout(r, abortAfterMs));
      socket.destroy();
    }
    const timeout = setTimeout(() => socket.destroy(), 20_000);
    await closed;
    clearTimeout(timeout);
    const text = Buffer.concat(chunks).toString('utf8');
    const status = /^HTTP\/1\.1 (\d{3})/.exec(text);
    if (!status) return { status: null, body: null };
    const payload = text.slice(text.indexOf('\r\n\r\n') + 4);
    let parsed: unknown = payload;
    try {
      parsed = JSON.parse(payload);
    } catch {
      // not JSON: the assertion on the body shows it
    }
    return { status: Number(status[1]), body: parsed };
  }

  const headers = (method: string, path: string, token: string, type: string, length: number | 'chunked') =>
    `${method} ${path} HTTP/1.1\nHost: localhost\nAuthorization: Bearer ${token}\nContent-Type: ${type}\nConnection: close\n` +
    (length === 'chunked' ? 'Transfer-Encoding: chunked\n' : `Content-Length: ${length}\n`);
  const multipartHead = (length: number | 'chunked') => headers('POST', '/claimants/import', association, `multipart/form-data; boundary=${BOUNDARY}`, length);
  const filePart = (name = 'file', extraHeader = '') =>
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"; filename="c.csv"\r\n${extraHeader}Content-Type: text/csv\r\n\r\n`;
  const csv = (from: number, count: number) => `${CSV_HEADER}\n${Array.from({ length: count }, (_, i) => csvRow(from + i, incidentId)).join('\n')}\n`;
  const chunked = (body: string | Buffer) => {
    const bytes = Buffer.from(body);
    return Buffer.concat([bytes.length ? Buffer.from(`${bytes.length.toString(16)}\r\n`) : Buffer.alloc(0), bytes, Buffer.from(bytes.length ? '\r\n0\r\n\r\n' : '0\r\n\r\n')]);
  };

  /** A multipart import body sent whole with its exact Content-Length. */
  const postMultipart = (body: string | Buffer) => raw(multipartHead(Buffer.byteLength(body)), body);

  /** Waits until no statement of the test database is running or holds a transaction open, then counts what an upload could leave. */
  async function staged() {
    return withClient(dbUrl, async (db) => {
      const deadline = Date.now() + 15_000;
      for (;;) {
        const { rows } = await db.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid()
              AND (state = 'idle in transaction' OR (state = 'active' AND (query LIKE 'COPY%' OR query LIKE 'INSERT INTO claimant_import%' OR query LIKE 'INSERT INTO seized%')))`,
        );
        if (rows[0].n === 0) break;
        if (Date.now() > deadline) throw new Error('a transaction stayed open');
        await new Promise((r) => setTimeout(r, 50));
      }
      const { rows } = await db.query(
        `SELECT (SELECT count(*) FROM claimant_import)::int AS imports, (SELECT count(*) FROM claimant_import_row)::int AS rows,
                (SELECT count(*) FROM claimant_import_rejection)::int AS rejections, (SELECT count(*) FROM job WHERE kind = 'claimants.import')::int AS jobs,
                (SELECT count(*) FROM seized_dataset_chunk)::int AS chunks, (SELECT count(*) FROM seized_dataset_row)::int AS "datasetRows"`,
      );
      return rows[0];
    });
  }
  const NOTHING = { imports: 0, rows: 0, rejections: 0, jobs: 0, chunks: 0, datasetRows: 0 };
  const refused = (field?: string) => ({ status: 400, body: expect.objectContaining({ code: 'BAD_USER_INPUT', ...(field ? { field } : {}) }) });

  it('refuses truncated and malformed multipart imports with 400 BAD_USER_INPUT, staging nothing', async () => {
    const rows = csv(100, 40);
    // One at a time: each answer is checked with the state after it.
    const check = async (name: string, answer: RawAnswer, field?: string) => {
      expect({ name, ...answer }).toEqual({ name, ...refused(field) });
      expect({ name, ...(await staged()) }).toEqual({ name, ...NOTHING });
    };
    await check('no closing boundary', await postMultipart(`${filePart()}${rows}`), 'file');
    await check('cut mid-row', await postMultipart(`${filePart()}${rows.slice(0, rows.length - 37)}`), 'file');
    await check('ends exactly at a boundary without its closing dashes', await postMultipart(`${filePart()}${rows}\r\n--${BOUNDARY}`), 'file');
    await check('ends at a boundary line', await postMultipart(`${filePart()}${rows}\r\n--${BOUNDARY}\r\n`), 'file');
    await check('malformed part header', await postMultipart(`--${BOUNDARY}\r\nContent-Disposition form-data name=file\r\n\r\n${rows}\r\n--${BOUNDARY}--\r\n`), 'file');
    await check('huge part header', await postMultipart(`${filePart('file', `X-Padding: ${'a'.repeat(20_000)}\r\n`)}${rows}\r\n--${BOUNDARY}--\r\n`), 'file');
    await check('empty chunked body', await raw(multipartHead('chunked'), chunked('')), 'file');
    await check('chunked body cut mid-row', await raw(multipartHead('chunked'), chunked(`${filePart()}${rows.slice(0, 500)}`)), 'file');
    await check(
      'no boundary parameter',
      await raw(headers('POST', '/claimants/import', association, 'multipart/form-data', Buffer.byteLength(rows)), rows),
      'content-type',
    );
    // Another part than the file, truncated: its stream errors too.
    await check('truncated other part', await postMultipart(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="notes"; filename="n.txt"\r\n\r\nabc`), 'file');
  });

  it('refuses a multipart import without a file part, with two, with the file under another name, or oversized; and a non-multipart type', async () => {
    const rows = csv(200, 5);
    const end = `\r\n--${BOUNDARY}--\r\n`;
    const check = async (name: string, answer: RawAnswer, field: string) => {
      expect({ name, ...answer }).toEqual({ name, ...refused(field) });
      expect({ name, ...(await staged()) }).toEqual({ name, ...NOTHING });
    };
    await check('no file part', await postMultipart(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello${end}`), 'file');
    await check('two file parts', await postMultipart(`${filePart()}${rows}\r\n${filePart()}${rows}${end}`), 'file');
    await check('file part under another name', await postMultipart(`${filePart('upload')}${rows}${end}`), 'file');
    await check('non-multipart type', await raw(headers('POST', '/claimants/import', association, 'application/json', 2), '{}'), 'content-type');
    const bigCsv = csv(300, Math.ceil(IMPORT_MAX_BYTES / 150));
    const big = `${filePart()}${bigCsv}${end}`;
    expect(Buffer.byteLength(big)).toBeGreaterThan(IMPORT_MAX_BYTES);
    // Declared too large for the file and the multipart framing allowed around it (64 KiB): refused before it is read.
    await check('oversized (Content-Length)', await raw(multipartHead(Buffer.byteLength(big) + 64 * 1024)), 'body');
    // Chunked, so only counting the bytes finds it too large.
    await check('oversized (chunked)', await raw(multipartHead('chunked'), chunked(big)), 'body');
    await check('oversized text/csv (chunked)', await raw(headers('POST', '/claimants/import', association, 'text/csv', 'chunked'), chunked(bigCsv)), 'body');
  });

  it('stages nothing when the client disconnects mid-upload, early or late', async () => {
    const rows = csv(400, 200);
    for (const [name, ms] of [
      ['at once', 0],
      ['after 30 ms', 30],
      ['after 300 ms', 300],
    ] as const) {
      const answer = await raw(multipartHead(IMPORT_MAX_BYTES), `${filePart()}${rows}`, ms);
      expect({ name, status: answer.status }).toEqual({ name, status: null });
      expect({ name, ...(await staged()) }).toEqual({ name, ...NOTHING });
    }
    // And a text/csv body abandoned after its header.
    const answer = await raw(headers('POST', '/claimants/import', association, 'text/csv', IMPORT_MAX_BYTES), rows, 30);
    expect(answer.status).toBeNull();
    expect(await staged()).toEqual(NOTHING);
  });

  it('refuses broken dataset chunks and malformed JSON on the dataset routes, storing nothing', async () => {
    const created = await fetch(`${server.baseUrl}/datasets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${procurator}`, 'content-type': 'application/json' },
      body: JSON.stringify({ incidentId, source: 'seized server', fields: ['ID_NUMBER', 'PHONE'], chunkRows: 100 }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const chunkHead = (length: number | 'chunked', n = 0) => headers('PUT', `/datasets/${id}/chunks/${n}`, procurator, 'application/octet-stream', length);
    const rows = Buffer.alloc(64 * 10, 7);
    const check = async (name: string, answer: RawAnswer, expected: unknown) => {
      expect({ name, ...answer }).toEqual({ name, ...(expected as object) });
      expect({ name, ...(await staged()) }).toEqual({ name, ...NOTHING, imports: 0 });
    };
    await check('wrong length', await raw(chunkHead(rows.length - 5), rows.subarray(5)), refused('body'));
    await check('truncated chunked body', await raw(chunkHead('chunked'), `280\r\n${'x'.repeat(100)}`, 200), { status: null, body: null });
    await check('abandoned', await raw(chunkHead(rows.length), rows.subarray(0, 100), 30), { status: null, body: null });
    await check('oversized (Content-Length)', await raw(chunkHead(64 * 1024 * 1024)), refused('body'));
    const json = (path: string, body: string) => raw(headers('POST', path, procurator, 'application/json', Buffer.byteLength(body)), body);
    await check('malformed JSON on create', await json('/datasets', '{"incidentId": '), refused('body'));
    await check('malformed JSON on complete', await json(`/datasets/${id}/complete`, '{"chunkCount": 1,,}'), refused('body'));
    await check('JSON that is not an object', await json(`/datasets/${id}/complete`, '"x"'), refused());
  });

  /** An XLSX as Excel and exceljs write it: the worksheet before xl/sharedStrings.xml in the zip. */
  async function sheetFirstXlsx(rows: string[][]): Promise<Buffer> {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('登记表');
    for (const row of rows) sheet.addRow(row);
    const bytes = Buffer.from(await book.xlsx.writeBuffer());
    expect(bytes.indexOf('xl/worksheets/sheet1.xml')).toBeLessThan(bytes.indexOf('xl/sharedStrings.xml'));
    return bytes;
  }
  const postXlsx = (bytes: Buffer) =>
    raw(headers('POST', '/claimants/import', association, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', bytes.length), bytes);
  /** What the server process left in the system temp directory (exceljs's `tmp-<pid>-…` files) and in its own. */
  const leftovers = () => ({
    systemTemp: readdirSync(tmpdir()).filter((n) => n.startsWith(`tmp-${server.child.pid}-`)),
    importTemp: readdirSync(importTemp),
  });

  it('refuses an XLSX whose shared strings inflate past the bound, and a refused sheet-first XLSX, leaving no file anywhere', async () => {
    // 40 strings of 5,000 汉 (15,000 bytes each in UTF-8): 600,000 bytes inflated, a few KB sent.
    const bomb = await sheetFirstXlsx([Array.from({ length: 40 }, (_, i) => `${i}`.padEnd(5000, '汉'))]);
    expect(bomb.length).toBeLessThan(20_000);
    const answer = await postXlsx(bomb);
    expect(answer).toEqual({
      status: 400,
      body: expect.objectContaining({
        code: 'BAD_USER_INPUT',
        field: 'file',
        message: `file: is too large once uncompressed: its shared strings exceeds ${XLSX_MAX_SHARED_STRINGS_BYTES} bytes (save it again from Excel or WPS, split it, or send CSV)`,
      }),
    });
    expect(await staged()).toEqual(NOTHING);
    expect(leftovers()).toEqual({ systemTemp: [], importTemp: [] });
    // A header without the phone column: refused after the worksheet (with a plaintext ID number) was read.
    const pii = await sheetFirstXlsx([
      ['name', 'id_number'],
      ['王芳', '310104198807120020'],
    ]);
    const refusedPii = await postXlsx(pii);
    expect(refusedPii).toEqual({ status: 400, body: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'file', message: expect.stringContaining('phone') }) });
    expect(JSON.stringify(refusedPii.body)).not.toContain('310104198807120020');
    expect(await staged()).toEqual(NOTHING);
    expect(leftovers()).toEqual({ systemTemp: [], importTemp: [] });
  });

  it('refuses an upload past UPLOAD_MAX_CONCURRENT at once with 503 and Retry-After while GraphQL answers, and cuts a stalled upload', async () => {
    // Two uploads past the 64 KiB sniff (so each holds a transaction), kept alive at 5 bytes a second.
    const body = csv(1000, 700);
    expect(Buffer.byteLength(body)).toBeGreaterThan(80 * 1024);
    const held: Socket[] = [];
    const trickles: NodeJS.Timeout[] = [];
    for (let i = 0; i < UPLOAD_MAX_CONCURRENT; i++) {
      const socket = connect(port, '127.0.0.1');
      socket.on('error', () => undefined);
      await once(socket, 'connect');
      socket.write(headers('POST', '/claimants/import', association, 'text/csv', IMPORT_MAX_BYTES).replace(/\n/g, '\r\n') + '\r\n');
      socket.write(body.slice(0, 80 * 1024));
      trickles.push(setInterval(() => socket.write('x'), 200));
      held.push(socket);
    }
    try {
      await withClient(dbUrl, async (db) => {
        const deadline = Date.now() + 20_000;
        for (;;) {
          const { rows } = await db.query(
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state IN ('idle in transaction', 'active') AND xact_start IS NOT NULL AND query NOT LIKE 'SELECT count(*)::int AS n FROM pg_stat_activity%'`,
          );
          if (rows[0].n >= UPLOAD_MAX_CONCURRENT) break;
          if (Date.now() > deadline) throw new Error('the held uploads did not start');
          await new Promise((r) => setTimeout(r, 50));
        }
      });
      const third = await fetch(`${server.baseUrl}/claimants/import`, {
        method: 'POST',
        headers: { authorization: `Bearer ${association}`, 'content-type': 'text/csv' },
        body: csv(2000, 3),
      });
      expect({ status: third.status, retryAfter: third.headers.get('retry-after'), body: await third.json() }).toEqual({
        status: 503,
        retryAfter: '10',
        body: { code: 'UNAVAILABLE', message: 'too many uploads in progress (at most 2 at once): try again in 10 s', retryAfterSeconds: 10 },
      });
      const me = await httpGql(server.baseUrl, `{ me { email } }`, {}, association);
      expect(me.data).toEqual({ me: { email: 'association@demo.local' } });
    } finally {
      trickles.forEach(clearInterval);
      held.forEach((s) => s.destroy());
    }
    expect(await staged()).toEqual(NOTHING);

    // A body that stops after the sniff: cut after a window without a byte, its transaction rolled back.
    const stalled = await raw(headers('POST', '/claimants/import', association, 'text/csv', IMPORT_MAX_BYTES), body.slice(0, 80 * 1024));
    expect(stalled).toEqual({
      status: 400,
      body: expect.objectContaining({
        code: 'BAD_USER_INPUT',
        field: 'file',
        message: `file: arrived too slowly (less than 1 bytes per second over ${UPLOAD_RATE_WINDOW_SECONDS} s): upload cut`,
      }),
    });
    expect(await staged()).toEqual(NOTHING);
  });

  it('still serves /health, GraphQL and a good upload after hostile ones (the process never exited)', async () => {
    // Run alone, this test still needs the shapes that killed the process.
    await postMultipart(`${filePart()}${csv(800, 3)}`);
    await raw(multipartHead(IMPORT_MAX_BYTES), `${filePart()}${csv(810, 3)}`, 30);
    await new Promise((r) => setTimeout(r, 500));
    expect(exited).toBeNull();
    expect((await fetch(`${server.baseUrl}/health`)).status).toBe(200);
    const me = await httpGql(server.baseUrl, `{ me { email } }`, {}, association);
    expect(me.data).toEqual({ me: { email: 'association@demo.local' } });
    const good = await postMultipart(`${filePart()}${csv(900, 3)}\r\n--${BOUNDARY}--\r\n`);
    expect(good.status).toBe(202);
    expect(good.body).toMatchObject({ rows: 3, rejected: 0 });
  });
});
