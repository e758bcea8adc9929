import type { SkippedRecord } from "./errors";

export type FileRecord = Record<string, unknown>;

/** One batch of records read from a file, with where it sits in the file. */
export interface RecordBatch {
  records: FileRecord[];
  /** Index of the first record of this batch in the whole file (0-based). */
  firstIndex: number;
  /** Records read so far, this batch included: pass it as `skipRecords` to resume after it. */
  nextIndex: number;
  /** 1-based line where the last record of this batch ends (CSV, NDJSON, XML). */
  line?: number;
  /** Bad records skipped since the previous batch (only with `skipBadRecords`). */
  skipped: SkippedRecord[];
}

export interface ReadOptionsBase {
  /** Records per batch; 1,000 unless told. */
  batchSize?: number;
  /** Resume: skip this many records from the start (a previous batch's `nextIndex`). */
  skipRecords?: number;
  /** Stop after this many records (dry runs, previews). */
  limit?: number;
}

/**
 * Collects records into batches of `batchSize`, honouring `skipRecords` and `limit`. A reader
 * calls `add` per record and `take` after each input chunk, and `flush` at the end.
 */
export class Batcher {
  private records: FileRecord[] = [];
  private lines: (number | undefined)[] = [];
  private skipped: SkippedRecord[] = [];
  private index = 0;
  private firstIndex: number;
  readonly batchSize: number;
  private readonly skipRecords: number;
  private readonly limit: number;

  constructor(options: ReadOptionsBase) {
    this.batchSize = Math.max(1, Math.floor(options.batchSize ?? 1000));
    this.skipRecords = Math.max(0, Math.floor(options.skipRecords ?? 0));
    this.limit = options.limit ?? Number.POSITIVE_INFINITY;
    this.firstIndex = this.skipRecords;
  }

  /** How many records were seen so far (those skipped to resume included). */
  get count(): number {
    return this.index;
  }

  /** True once `limit` records were collected: the reader may stop reading. */
  get full(): boolean {
    return this.index - this.skipRecords >= this.limit;
  }

  add(record: FileRecord, line?: number): void {
    const index = this.index++;
    if (index < this.skipRecords || index - this.skipRecords >= this.limit) return;
    this.records.push(record);
    this.lines.push(line);
  }

  skip(skipped: SkippedRecord): void {
    this.skipped.push(skipped);
  }

  /** Full batches ready to hand out. */
  *take(): Generator<RecordBatch> {
    let start = 0;
    while (this.records.length - start >= this.batchSize) {
      yield this.batch(start, start + this.batchSize);
      start += this.batchSize;
    }
    if (start > 0) {
      this.records = this.records.slice(start);
      this.lines = this.lines.slice(start);
    }
  }

  /** Everything left, at the end of the input. */
  *flush(): Generator<RecordBatch> {
    yield* this.take();
    if (this.records.length > 0 || this.skipped.length > 0) {
      yield this.batch(0, this.records.length);
      this.records = [];
      this.lines = [];
    }
  }

  private batch(start: number, end: number): RecordBatch {
    const records = start === 0 && end === this.records.length ? this.records : this.records.slice(start, end);
    const batch: RecordBatch = {
      records,
      firstIndex: this.firstIndex,
      nextIndex: this.firstIndex + records.length,
      line: this.lines[end - 1],
      skipped: this.skipped,
    };
    this.firstIndex = batch.nextIndex;
    this.skipped = [];
    return batch;
  }
}
