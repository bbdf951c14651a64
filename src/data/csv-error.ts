// What data.csv takes and the error it throws: shared by the dataset side (csv.ts, in the core)
// and the parser (csv-parser.ts, a chunk of its own, loaded by the first read).

export interface CsvOptions {
  /** Feature columns by name (or index when header is false); default: every column that is not a label. */
  columns?: (string | number)[];
  /** Target column(s) by name or index; default: none (x only). */
  label?: string | number | (string | number)[];
  /** Whether the first line holds the column names (default true). */
  header?: boolean;
  /** One character (default ','). */
  delimiter?: string;
  /**
   * What to do with a row holding NaN, ±Inf or an empty cell in a used column: 'fail' (default)
   * throws naming file, line and column; 'drop' skips the row. Text that is not a number always fails.
   */
  onInvalid?: 'fail' | 'drop';
  /** Bytes read at a time (default 1 MiB). */
  chunkSize?: number;
}

export class CsvError extends Error {
  readonly file: string;
  readonly line: number;
  readonly column?: number;
  constructor(file: string, line: number, column: number | undefined, name: string | undefined, message: string) {
    super(`data.csv: ${file}: line ${line}${column !== undefined ? `, column ${column}${name !== undefined ? ` ('${name}')` : ''}` : ''}: ${message}`);
    this.name = 'CsvError';
    this.file = file;
    this.line = line;
    this.column = column;
  }
}
