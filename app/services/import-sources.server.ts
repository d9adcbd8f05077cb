/**
 * Reading OCDS from files and URLs as a stream of events, in bounded memory.
 * The importer (import.server.ts) turns the events into committed batches.
 *
 * What is read
 * - Release packages (`releases[]` streamed one release at a time), record
 *   packages (`records[]` streamed one record at a time; see `recordEvents`),
 *   a file holding one release object, a top-level JSON array of releases or
 *   packages, and several JSON documents one after another (concatenated
 *   JSON). Parsed by stream-json's tokenizer; each release is assembled on its
 *   own, so a multi-gigabyte package never sits in memory.
 * - JSON Lines (`.jsonl`, `.ndjson`, an ndjson content type, or any input
 *   whose first line is a whole JSON object, not a package, followed by a
 *   second line that is an object: see `looksLikeJsonLines`): one release per
 *   line, read with JSON.parse line by line (much faster than a tokenizer). A
 *   line may also hold a whole release or record package (its `links.next` is
 *   kept). A line longer than the release size limit is skipped without being
 *   held in memory and rejected.
 * - Plain or gzip, recognised by its magic bytes (1f 8b), whatever the name.
 * - URLs: fetched page after page following the package's `links.next`, as
 *   the UK publishers' OCDS APIs page (Contracts Finder's Search API). An
 *   HTTP error, an HTML answer or a page that is not OCDS JSON ends that
 *   chain with a rejection naming the page. `links.next` is never followed
 *   from a file (a saved API page would otherwise reach the internet).
 *
 * Units. Every package document (a file, a URL page, one of several
 * documents in a file) is a *unit*: the importer commits a unit's releases
 * together or not at all when the unit fits in one batch, and drops the
 * releases of a unit that fails part-way (truncated JSON, `releases` not an
 * array, a network error). A JSON Lines file is a *stream* unit: each line is
 * independent, a bad line is one rejection and the rest goes on.
 */
import { createReadStream } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import Parser from "stream-json/Parser";
import { isObject, type JsonObject } from "../domain/ocds/json";

export type SourceEvent =
  | { type: "unit-start"; unit: number; label: string; stream: boolean }
  | { type: "release"; unit: number; label: string; position: string; raw: unknown }
  | { type: "reject"; unit: number; label: string; position: string; reason: string }
  | { type: "unit-end"; unit: number; label: string; error?: { position: string; reason: string } };

export interface ReadOptions {
  /** A release (or record, or JSON Lines line) larger than this is rejected. */
  maxReleaseBytes: number;
  fetch: typeof fetch;
  /** Stop following `links.next` after this many pages of one URL (0 = no limit). */
  maxPages: number;
  /** Retries of a page on 429, 502, 503, 504 or a network error. */
  retries: number;
  retryDelayMs: number;
  /** Called with the number of (compressed) bytes read, as they are read. */
  onBytes?: (n: number) => void;
  nextUnit: () => number;
}

/** A fatal problem with a whole unit: where, and why. */
export class ReadError extends Error {
  constructor(
    public position: string,
    public reason: string,
  ) {
    super(`${position}: ${reason}`);
  }
}

const MB = 1024 * 1024;
export const mb = (n: number) => `${Math.round((n / MB) * 10) / 10} MB`;
const IMPORTABLE = /\.(json|jsonl|ndjson|json\.gz|jsonl\.gz|ndjson\.gz|gz)$/i;

export const isUrl = (s: string) => /^https?:\/\//i.test(s);

/**
 * Inputs as given on the command line → the sources to read: URLs as they
 * are, files as they are, folders walked (recursively, sorted by path) for
 * .json, .jsonl, .ndjson and .gz files. A missing path stays in the list (it
 * is rejected when read, with the others still imported).
 */
export async function expandInputs(inputs: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const input of inputs) {
    if (isUrl(input)) {
      out.push(input);
      continue;
    }
    const st = await stat(input).catch(() => null);
    if (st?.isDirectory()) out.push(...(await walk(input)));
    else out.push(input);
  }
  return out;
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files: string[] = [];
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) files.push(...(await walk(p)));
    else if (e.isFile() && IMPORTABLE.test(e.name)) files.push(p);
  }
  return files;
}

/** Read one input (file or URL) as events. Never throws: problems become rejections. */
export async function* readInput(input: string, opts: ReadOptions): AsyncGenerator<SourceEvent> {
  if (isUrl(input)) {
    yield* readUrl(input, opts);
    return;
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(input)) {
    const unit = opts.nextUnit();
    yield { type: "unit-start", unit, label: input, stream: false };
    yield { type: "unit-end", unit, label: input, error: { position: "input", reason: "only files, folders and http(s) URLs can be imported" } };
    return;
  }
  const st = await stat(input).catch((e: NodeJS.ErrnoException) => e);
  if (st instanceof Error || !st.isFile()) {
    const unit = opts.nextUnit();
    yield { type: "unit-start", unit, label: input, stream: false };
    const reason = st instanceof Error ? (st.code === "ENOENT" ? "no such file or folder" : st.message) : "not a file";
    yield { type: "unit-end", unit, label: input, error: { position: "file", reason } };
    return;
  }
  const chunks = countBytes(createReadStream(input, { highWaterMark: MB }), opts.onBytes);
  yield* readBytes(chunks, { label: input, name: input }, opts).events;
}

async function* countBytes(src: AsyncIterable<Buffer>, onBytes?: (n: number) => void): AsyncGenerator<Buffer> {
  for await (const chunk of src) {
    onBytes?.(chunk.length);
    yield chunk;
  }
}

// ---------------------------------------------------------------------------
// Byte streams: gzip, format detection, units

interface ByteSource {
  label: string;
  /** File name or URL path: `.jsonl`/`.ndjson` means JSON Lines. */
  name: string;
  contentType?: string | null;
}

/** Pull-based reader over chunks that can look ahead without consuming. */
class Peekable {
  private readonly it: AsyncIterator<Buffer>;
  private readonly head: Buffer[] = [];
  private headLength = 0;
  private ended = false;
  constructor(src: AsyncIterable<Buffer>) {
    this.it = src[Symbol.asyncIterator]();
  }
  /** Read ahead until at least `min` bytes are held or `enough` says so, or the input ends. */
  async peek(min: number, enough?: (b: Buffer) => boolean): Promise<Buffer> {
    while (!this.ended && this.headLength < min) {
      const joined = this.head.length ? Buffer.concat(this.head) : Buffer.alloc(0);
      if (enough?.(joined)) break;
      const r = await this.it.next();
      if (r.done) this.ended = true;
      else if (r.value.length) {
        this.head.push(r.value);
        this.headLength += r.value.length;
      }
    }
    return Buffer.concat(this.head);
  }
  async *rest(): AsyncGenerator<Buffer> {
    while (this.head.length) yield this.head.shift()!;
    this.headLength = 0;
    if (this.ended) return;
    for (;;) {
      const r = await this.it.next();
      if (r.done) return;
      yield r.value;
    }
  }
}

async function* gunzip(src: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const input = Readable.from(src, { objectMode: false });
  const gz = createGunzip();
  input.on("error", (e) => gz.destroy(e));
  input.pipe(gz);
  try {
    for await (const chunk of gz) yield chunk as Buffer;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new ReadError("gzip", /unexpected end/i.test(msg) ? "truncated gzip data (the file ends early)" : `corrupt gzip data (${msg})`);
  }
}

function describeStart(b: Buffer): string {
  const text = b.subarray(0, 200).toString("utf8").replace(/\s+/g, " ").trim();
  const sample = JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
  if (/^<(!doctype html|html|head|body)\b/i.test(text)) return `HTML, not JSON (starts ${sample})`;
  if (text.startsWith("<")) return `XML or HTML, not JSON (starts ${sample})`;
  return `not JSON (starts ${sample})`;
}

/**
 * Read a byte stream (file contents or an HTTP body) as one unit. `events`
 * yields the unit's events (start, releases, rejections, end); `next` holds
 * the package's `links.next` once the events are exhausted.
 */
function readBytes(src: AsyncIterable<Buffer>, source: ByteSource, opts: ReadOptions) {
  const state: { next: string | null } = { next: null };
  async function* events(): AsyncGenerator<SourceEvent> {
    const unit = opts.nextUnit();
    const label = source.label;
    let started = false;
    let stream = false;
    const start = (asStream: boolean): SourceEvent => {
      started = true;
      stream = asStream;
      return { type: "unit-start", unit, label, stream: asStream };
    };
    try {
      let bytes = new Peekable(src);
      const magic = await bytes.peek(2);
      if (magic.length >= 2 && magic[0] === 0x1f && magic[1] === 0x8b) bytes = new Peekable(gunzip(bytes.rest()));
      const head = await bytes.peek(64 * 1024, secondLineEnds);
      const text = head.toString("utf8").replace(/^\uFEFF/, "");
      const first = text.trimStart()[0];
      if (first === undefined) {
        yield start(false);
        throw new ReadError("content", "empty: no JSON in the input");
      }
      if (first !== "{" && first !== "[") {
        yield start(false);
        throw new ReadError("content", describeStart(head));
      }
      const named = /\.(jsonl|ndjson)(\.gz)?$/i.test(source.name.split("?")[0] ?? "");
      const typed = /ndjson|jsonl|json-seq|jsonlines/i.test(source.contentType ?? "");
      if (first === "{" && (named || typed || looksLikeJsonLines(text))) {
        yield start(true);
        for await (const ev of readJsonLines(bytes.rest(), opts.maxReleaseBytes, state)) yield { ...ev, unit, label };
      } else {
        yield start(false);
        for await (const ev of readDocuments(bytes.rest(), opts.maxReleaseBytes, state)) yield { ...ev, unit, label };
      }
      yield { type: "unit-end", unit, label };
    } catch (e) {
      if (!started) yield { type: "unit-start", unit, label, stream };
      const err =
        e instanceof ReadError
          ? { position: e.position, reason: e.reason }
          : { position: "input", reason: `could not be read (${e instanceof Error ? e.message : String(e)})` };
      yield { type: "unit-end", unit, label, error: err };
    }
  }
  return { events: events(), state };
}

const isBlank = (c: number | undefined) => c === 32 || c === 9 || c === 13 || c === 10;

/** Enough has been read to tell JSON Lines: the second non-empty line has ended (or the input has). */
function secondLineEnds(b: Buffer): boolean {
  const nl = b.indexOf(10);
  if (nl < 0) return false;
  let i = nl + 1;
  while (i < b.length && isBlank(b[i])) i++;
  return i < b.length && b.indexOf(10, i) >= 0;
}

/** A package document (releases or records at the top), as opposed to a release. */
const isPackage = (v: JsonObject) => ("releases" in v || "records" in v) && !("ocid" in v);

/**
 * JSON Lines, told from the first 64 KB: the first line is a whole JSON
 * object that is not itself a package, and a second non-empty line follows
 * that is an object too (whole, when it ends within what was read; else it at
 * least opens like one). A package on one line — a compact API page, with or
 * without a final newline, even with more documents after it — is read as a
 * document instead, so its `links.next` is kept and the page is one unit.
 */
export function looksLikeJsonLines(head: string): boolean {
  const nl = head.indexOf("\n");
  if (nl < 0) return false;
  const line = head.slice(0, nl).trim();
  if (!line.startsWith("{") || !line.endsWith("}")) return false;
  const parsed = parseObject(line);
  if (!parsed || isPackage(parsed)) return false;
  const rest = head.slice(nl + 1).replace(/^\s+/, "");
  if (!rest.startsWith("{")) return false;
  const end = rest.indexOf("\n");
  if (end < 0) return true; // a second line longer than what was read: it opens as an object
  return parseObject(rest.slice(0, end).trim()) !== null;
}

function parseObject(text: string): JsonObject | null {
  try {
    const v: unknown = JSON.parse(text);
    return isObject(v) ? v : null;
  } catch {
    return null;
  }
}

type UnitlessEvent =
  | { type: "release"; position: string; raw: unknown }
  | { type: "reject"; position: string; reason: string };

// ---------------------------------------------------------------------------
// JSON Lines

/**
 * One value per line. A line holding a release or record package may carry
 * `links.next`; as with concatenated documents, the last package's link is
 * the unit's (followed only for URLs).
 */
async function* readJsonLines(src: AsyncIterable<Buffer>, maxBytes: number, state: { next: string | null }): AsyncGenerator<UnitlessEvent> {
  for await (const line of splitLines(src, maxBytes)) {
    const position = `line ${line.n}`;
    if (line.tooLong !== undefined) {
      yield { type: "reject", position, reason: `line longer than the ${mb(maxBytes)} limit for one release (${line.tooLong.toLocaleString("en-GB")} bytes or more)` };
      continue;
    }
    const text = line.text!.trim();
    if (text === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      yield { type: "reject", position, reason: `invalid JSON (${e instanceof Error ? e.message : String(e)})` };
      continue;
    }
    if (isObject(value) && isPackage(value)) state.next = nextLink(value);
    yield* valueEvents(value, position, true);
  }
}

function nextLink(pkg: JsonObject): string | null {
  const next = isObject(pkg.links) ? pkg.links.next : undefined;
  return typeof next === "string" && next.trim() !== "" ? next.trim() : null;
}

/** Lines of a byte stream; a line over `maxBytes` is counted and skipped, never held. */
export async function* splitLines(src: AsyncIterable<Buffer>, maxBytes: number): AsyncGenerator<{ n: number; text?: string; tooLong?: number }> {
  let parts: Buffer[] = [];
  let length = 0;
  let skipping = false;
  let n = 1;
  for await (const chunk of src) {
    let start = 0;
    while (start <= chunk.length) {
      const nl = chunk.indexOf(10, start);
      const end = nl < 0 ? chunk.length : nl;
      const piece = chunk.subarray(start, end);
      length += piece.length;
      if (!skipping) {
        if (length > maxBytes) {
          skipping = true;
          parts = [];
        } else if (piece.length) parts.push(piece);
      }
      if (nl < 0) break;
      yield skipping ? { n, tooLong: length } : { n, text: parts.length === 1 ? parts[0]!.toString("utf8") : Buffer.concat(parts).toString("utf8") };
      n++;
      parts = [];
      length = 0;
      skipping = false;
      start = nl + 1;
    }
  }
  if (skipping) yield { n, tooLong: length };
  else if (length > 0) yield { n, text: Buffer.concat(parts).toString("utf8") };
}

// ---------------------------------------------------------------------------
// Whole JSON values (a JSON Lines line, an item of a top-level array, a document)

const kindOf = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "an array" : typeof v === "object" ? "an object" : `a ${typeof v}`);

/**
 * The releases in one JSON value: a release, a release package, a record
 * package, or (at the top) an array of those. `top` marks a value that is a
 * whole document or line, where an object without releases, records or ocid
 * is named as "not OCDS" rather than "a release without ocid".
 */
function* valueEvents(value: unknown, position: string, top: boolean): Generator<UnitlessEvent> {
  if (Array.isArray(value) && top) {
    for (let i = 0; i < value.length; i++) yield* valueEvents(value[i], `${position}[${i}]`, false);
    return;
  }
  if (!isObject(value)) {
    yield { type: "reject", position, reason: `not an OCDS release or package (${kindOf(value)})` };
    return;
  }
  if ("releases" in value && !("ocid" in value)) {
    const list = value.releases;
    if (!Array.isArray(list)) {
      yield { type: "reject", position: `${position} releases`, reason: `releases: not an array (${kindOf(list)}); nothing imported from this package` };
      return;
    }
    for (let i = 0; i < list.length; i++) yield { type: "release", position: `${position} releases[${i}]`, raw: list[i] };
    return;
  }
  if ("records" in value && !("ocid" in value)) {
    const list = value.records;
    if (!Array.isArray(list)) {
      yield { type: "reject", position: `${position} records`, reason: `records: not an array (${kindOf(list)}); nothing imported from this package` };
      return;
    }
    for (let i = 0; i < list.length; i++) yield* recordEvents(list[i], `${position} records[${i}]`);
    return;
  }
  if (top && !("ocid" in value) && !("id" in value) && !("tag" in value)) {
    yield {
      type: "reject",
      position,
      reason: "not an OCDS release, release package or record package (no releases, records or ocid)",
    };
    return;
  }
  yield { type: "release", position, raw: value };
}

/**
 * The releases of one record. A record's embedded releases are imported (the
 * register compiles them itself; the record's compiledRelease is then not
 * needed). Linked releases (objects with a `url` and no `ocid`) cannot be
 * imported from the record: each is rejected, naming its url. A record with
 * no embedded release but a compiledRelease has that compiled release
 * imported as its one release.
 */
export function* recordEvents(record: unknown, position: string): Generator<UnitlessEvent> {
  if (!isObject(record)) {
    yield { type: "reject", position, reason: `record: not an object (${kindOf(record)})` };
    return;
  }
  const list = record.releases;
  if (list !== undefined && list !== null && !Array.isArray(list)) {
    yield { type: "reject", position: `${position}.releases`, reason: `releases: not an array (${kindOf(list)})` };
    return;
  }
  const entries = (list ?? []) as unknown[];
  const linked = (r: unknown) => isObject(r) && !("ocid" in r) && typeof r.url === "string";
  const full = entries.filter((r) => !linked(r));
  if (full.length === 0) {
    if (isObject(record.compiledRelease)) {
      yield { type: "release", position: `${position}.compiledRelease`, raw: record.compiledRelease };
      return;
    }
    yield {
      type: "reject",
      position,
      reason: entries.length
        ? "record holds only linked releases (urls) and no compiledRelease: import the release packages they point to"
        : "record holds no releases and no compiledRelease",
    };
    return;
  }
  for (let j = 0; j < entries.length; j++) {
    const r = entries[j];
    if (linked(r)) {
      const url = String((r as JsonObject).url);
      yield { type: "reject", position: `${position}.releases[${j}]`, reason: `linked release (${url.slice(0, 200)}): import the release package it points to` };
    } else yield { type: "release", position: `${position}.releases[${j}]`, raw: r };
  }
}

// ---------------------------------------------------------------------------
// JSON documents, streamed token by token

interface Token {
  name: string;
  value?: unknown;
}

/** Builds one JSON value from tokens, counting its size; past `limit` it stops building but still finds the value's end. */
class Builder {
  private stack: Array<unknown[] | JsonObject> = [];
  private keys: Array<string | null> = [];
  private key: string | null = null;
  value: unknown = undefined;
  size = 0;
  depth = 0;
  done = false;
  overflow = false;
  constructor(private readonly limit: number) {}

  consume(t: Token): void {
    switch (t.name) {
      case "startObject":
      case "startArray":
        this.depth++;
        this.size += 2;
        if (!this.overflow) {
          this.stack.push(t.name === "startObject" ? {} : []);
          this.keys.push(this.key);
          this.key = null;
        }
        break;
      case "endObject":
      case "endArray": {
        this.depth--;
        if (!this.overflow) {
          const v = this.stack.pop();
          this.key = this.keys.pop() ?? null;
          this.add(v);
        }
        if (this.depth === 0) this.done = true;
        break;
      }
      case "keyValue":
        this.size += (t.value as string).length + 4;
        this.key = t.value as string;
        break;
      case "stringValue":
        this.size += (t.value as string).length + 3;
        this.add(t.value);
        break;
      case "numberValue":
        this.size += (t.value as string).length + 1;
        this.add(Number(t.value));
        break;
      case "nullValue":
        this.size += 5;
        this.add(null);
        break;
      case "trueValue":
        this.size += 5;
        this.add(true);
        break;
      case "falseValue":
        this.size += 6;
        this.add(false);
        break;
      default:
        return; // start/end/chunk tokens are not produced with packValues and no streaming
    }
    if (!this.overflow && this.size > this.limit) {
      this.overflow = true;
      this.stack = [];
      this.keys = [];
      this.value = undefined;
    }
    if (this.depth === 0) this.done = true;
  }

  private add(v: unknown): void {
    if (this.overflow) return;
    const parent = this.stack[this.stack.length - 1];
    if (parent === undefined) this.value = v;
    else if (Array.isArray(parent)) parent.push(v);
    else parent[this.key ?? ""] = v;
  }
}

type DocState = "top" | "obj" | "objValue" | "meta" | "items" | "item" | "topArray" | "topItem";

/**
 * Turns the tokens of one or more JSON documents into events. A document
 * that is an object has its `releases` or `records` array streamed item by
 * item; its other fields are kept (`links.next`). A document without such an
 * array is a single release (size-limited like any release).
 */
class DocumentMachine {
  readonly out: UnitlessEvent[] = [];
  next: string | null = null;
  private state: DocState = "top";
  private doc = 0;
  private meta: JsonObject = {};
  private metaSize = 0;
  private metaOverflow = false;
  private key = "";
  private streamed: "releases" | "records" | null = null;
  private index = 0;
  private builder: Builder | null = null;

  constructor(private readonly maxBytes: number) {}

  private prefix(): string {
    return this.doc > 1 ? `document ${this.doc} ` : "";
  }

  get idle(): boolean {
    return this.state === "top";
  }

  consume(t: Token): void {
    switch (this.state) {
      case "top":
        this.doc++;
        if (t.name === "startObject") {
          this.state = "obj";
          this.meta = {};
          this.metaSize = 0;
          this.metaOverflow = false;
          this.streamed = null;
        } else if (t.name === "startArray") {
          this.state = "topArray";
          this.index = 0;
        } else throw new ReadError(`${this.prefix()}top`.trim(), `not an OCDS document (${t.name.replace("Value", "")} at the top level)`);
        return;
      case "obj":
        if (t.name === "keyValue") {
          this.key = t.value as string;
          this.state = "objValue";
        } else if (t.name === "endObject") this.endDocument();
        return;
      case "objValue":
        if (this.key === "releases" || this.key === "records") {
          if (t.name !== "startArray") {
            const found = t.name === "startObject" ? "an object" : t.name === "nullValue" ? "null" : `a ${t.name.replace("Value", "")}`;
            throw new ReadError(`${this.prefix()}${this.key}`, `${this.key}: not an array (${found}); nothing imported from this package`);
          }
          this.streamed = this.key;
          this.state = "items";
          this.index = 0;
          return;
        }
        this.builder = new Builder(this.maxBytes);
        this.state = "meta";
        this.feedMeta(t);
        return;
      case "meta":
        this.feedMeta(t);
        return;
      case "items":
        if (t.name === "endArray") {
          this.state = "obj";
          return;
        }
        this.builder = new Builder(this.maxBytes);
        this.state = "item";
        this.feedItem(t);
        return;
      case "item":
        this.feedItem(t);
        return;
      case "topArray":
        if (t.name === "endArray") {
          this.state = "top";
          return;
        }
        this.builder = new Builder(this.maxBytes);
        this.state = "topItem";
        this.feedTopItem(t);
        return;
      case "topItem":
        this.feedTopItem(t);
        return;
    }
  }

  private feedMeta(t: Token): void {
    const b = this.builder!;
    b.consume(t);
    if (!b.done) return;
    this.metaSize += b.size;
    if (b.overflow || this.metaSize > this.maxBytes) this.metaOverflow = true;
    else this.meta[this.key] = b.value;
    this.builder = null;
    this.state = "obj";
  }

  private feedItem(t: Token): void {
    const b = this.builder!;
    b.consume(t);
    if (!b.done) return;
    const position = `${this.prefix()}${this.streamed}[${this.index}]`;
    this.index++;
    this.builder = null;
    this.state = "items";
    if (b.overflow) {
      this.out.push({ type: "reject", position, reason: `larger than the ${mb(this.maxBytes)} limit for one ${this.streamed === "records" ? "record" : "release"}` });
    } else if (this.streamed === "records") this.out.push(...recordEvents(b.value, position));
    else this.out.push({ type: "release", position, raw: b.value });
  }

  private feedTopItem(t: Token): void {
    const b = this.builder!;
    b.consume(t);
    if (!b.done) return;
    const position = `${this.prefix()}[${this.index}]`;
    this.index++;
    this.builder = null;
    this.state = "topArray";
    if (b.overflow) this.out.push({ type: "reject", position, reason: `larger than the ${mb(this.maxBytes)} limit for one release or package` });
    else this.out.push(...valueEvents(b.value, position, true));
  }

  private endDocument(): void {
    this.state = "top";
    const where = this.prefix().trim() || "document";
    if (this.streamed) {
      if (this.metaOverflow) this.out.push({ type: "reject", position: where, reason: `package metadata larger than ${mb(this.maxBytes)} (ignored)` });
      this.next = nextLink(this.meta);
      return;
    }
    if (this.metaOverflow) {
      this.out.push({ type: "reject", position: where, reason: `larger than the ${mb(this.maxBytes)} limit for one release` });
      return;
    }
    this.out.push(...valueEvents(this.meta, where, true));
  }
}

async function* readDocuments(src: AsyncIterable<Buffer>, maxBytes: number, state: { next: string | null }): AsyncGenerator<UnitlessEvent> {
  const machine = new DocumentMachine(maxBytes);
  const parser = new Parser({ jsonStreaming: true, packValues: true, streamValues: false });
  let failure: unknown = null;
  let bytes = 0;
  let ending = false;
  parser.on("data", (t: Token) => {
    if (failure) return;
    try {
      machine.consume(t);
    } catch (e) {
      failure = e;
    }
  });
  parser.on("error", (e) => {
    failure ??= e;
  });
  const finished = new Promise<void>((resolve) => {
    parser.on("end", resolve);
    parser.on("error", () => resolve());
  });
  const raise = (): never => {
    if (failure instanceof ReadError) throw failure;
    const msg = failure instanceof Error ? failure.message : String(failure);
    if (ending || /has expected/i.test(msg)) {
      throw new ReadError(`byte ${bytes.toLocaleString("en-GB")}`, `truncated JSON: the input ends inside a value (${msg})`);
    }
    throw new ReadError(`near byte ${bytes.toLocaleString("en-GB")}`, `invalid JSON (${msg})`);
  };
  for await (const chunk of src) {
    bytes += chunk.length;
    if (!parser.write(chunk) && !failure) {
      await new Promise<void>((resolve) => {
        const done = () => {
          parser.off("drain", done);
          parser.off("error", done);
          resolve();
        };
        parser.on("drain", done);
        parser.on("error", done);
      });
    }
    if (failure) raise();
    while (machine.out.length) yield machine.out.shift()!;
  }
  ending = true;
  parser.end();
  await finished;
  if (failure) raise();
  while (machine.out.length) yield machine.out.shift()!;
  if (!machine.idle) throw new ReadError(`byte ${bytes.toLocaleString("en-GB")}`, "truncated JSON: the input ends inside a value");
  state.next = machine.next;
}

// ---------------------------------------------------------------------------
// URLs

const RETRY_STATUS = new Set([429, 502, 503, 504]);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function fetchPage(url: string, opts: ReadOptions): Promise<Response> {
  let attempt = 0;
  for (;;) {
    try {
      const res = await opts.fetch(url, {
        headers: { accept: "application/json, application/x-ndjson;q=0.9, */*;q=0.1", "user-agent": "public-tech-procurement-register-import" },
        redirect: "follow",
        signal: AbortSignal.timeout(120_000),
      });
      if (RETRY_STATUS.has(res.status) && attempt < opts.retries) {
        await res.body?.cancel();
        const after = Number(res.headers.get("retry-after"));
        await sleep(Number.isFinite(after) && after > 0 ? Math.min(after * 1000, 30_000) : opts.retryDelayMs * 2 ** attempt);
        attempt++;
        continue;
      }
      return res;
    } catch (e) {
      if (attempt >= opts.retries) throw e;
      await sleep(opts.retryDelayMs * 2 ** attempt);
      attempt++;
    }
  }
}

async function* readUrl(first: string, opts: ReadOptions): AsyncGenerator<SourceEvent> {
  const seen = new Set<string>();
  let url: string | null = first;
  let page = 0;
  while (url) {
    page++;
    seen.add(url);
    const label: string = url;
    let res: Response;
    try {
      res = await fetchPage(url, opts);
    } catch (e) {
      const unit = opts.nextUnit();
      const cause = e instanceof Error ? ((e.cause as Error | undefined)?.message ?? e.message) : String(e);
      yield { type: "unit-start", unit, label, stream: false };
      yield { type: "unit-end", unit, label, error: { position: `page ${page}`, reason: `could not be fetched (${cause})` } };
      return;
    }
    const contentType = res.headers.get("content-type");
    if (!res.ok || /\bhtml\b/i.test(contentType ?? "")) {
      await res.body?.cancel().catch(() => {});
      const unit = opts.nextUnit();
      const reason = !res.ok
        ? `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ""}: the server did not return the page`
        : `the server answered with HTML (content-type ${contentType}), not OCDS JSON`;
      yield { type: "unit-start", unit, label, stream: false };
      yield { type: "unit-end", unit, label, error: { position: `page ${page}`, reason } };
      return;
    }
    const body = res.body ? countBytes(Readable.fromWeb(res.body as import("node:stream/web").ReadableStream<Uint8Array>), opts.onBytes) : emptyBytes();
    const read = readBytes(body, { label, name: new URL(url).pathname, contentType }, opts);
    let failed = false;
    for await (const ev of read.events) {
      if (ev.type === "unit-end" && ev.error) {
        failed = true;
        yield { ...ev, error: { position: `page ${page} ${ev.error.position}`, reason: ev.error.reason } };
      } else yield ev;
    }
    if (failed) return;
    const next = read.state.next;
    url = null;
    if (next && (opts.maxPages === 0 || page < opts.maxPages)) {
      let resolved: string | null = null;
      try {
        resolved = new URL(next, label).toString();
      } catch {
        resolved = null;
      }
      if (resolved && isUrl(resolved) && !seen.has(resolved)) url = resolved;
    }
  }
}

async function* emptyBytes(): AsyncGenerator<Buffer> {}
