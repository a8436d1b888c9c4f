/**
 * The `ARROW:schema` footer entry: base64 of an Arrow IPC schema message (0xFFFFFFFF,
 * int32 length, flatbuffer). NautilusTrader's schema metadata (instrument_id, precisions,
 * bar_type) lives inside it in files written by arrow-rs; pyarrow also repeats it as plain
 * key/value pairs. Writing uses apache-arrow (imported lazily, only writers need it);
 * reading untrusted files uses our bounds-checked reader in arrow-schema-read.ts.
 */

export interface ArrowFieldInfo {
  readonly name: string;
  /** apache-arrow's type name, e.g. `FixedSizeBinary[16]`, `Uint64`, `Utf8`. */
  readonly type: string;
  readonly nullable: boolean;
}

export interface ArrowSchemaInfo {
  readonly fields: ArrowFieldInfo[];
  readonly metadata: Map<string, string>;
}

/**
 * Arrow types our writer declares; mapped to apache-arrow classes in encodeArrowSchema.
 * `dictionary` is `dictionary<index, utf8>`, the type pyarrow gives instrument string
 * columns (the Parquet column itself is plain BYTE_ARRAY/STRING; readers rebuild the dictionary).
 */
export type ArrowTypeSpec =
  | { kind: 'fixed-binary'; width: number }
  | { kind: 'uint64' }
  | { kind: 'uint8' }
  | { kind: 'utf8' }
  | { kind: 'dictionary'; index: 'int8' | 'int16' | 'int32' | 'int64' }
  | { kind: 'binary' }
  | { kind: 'bool' }
  | { kind: 'int64' }
  | { kind: 'float64' };

export interface ArrowFieldSpec {
  readonly name: string;
  readonly type: ArrowTypeSpec;
  readonly nullable: boolean;
}

/** Length of the IPC end-of-stream marker that follows the schema message. */
const EOS_LENGTH = 8;

/**
 * Encodes fields and metadata as the base64 `ARROW:schema` value. Dictionary fields get the
 * ids 0, 1, 2, ... in field order, as pyarrow assigns them.
 */
export async function encodeArrowSchema(fields: readonly ArrowFieldSpec[], metadata: ReadonlyMap<string, string>): Promise<string> {
  const arrow = await import('apache-arrow');
  let dictionaryId = 0;
  const indexOf = (index: 'int8' | 'int16' | 'int32' | 'int64') => {
    switch (index) {
      case 'int8':
        return new arrow.Int8();
      case 'int16':
        return new arrow.Int16();
      case 'int32':
        return new arrow.Int32();
      case 'int64':
        return new arrow.Int64();
    }
  };
  const typeOf = (t: ArrowTypeSpec) => {
    switch (t.kind) {
      case 'dictionary':
        // apache-arrow's typings leave out Int64 keys; its IPC schema writer takes any Int.
        return new arrow.Dictionary(new arrow.Utf8(), indexOf(t.index) as InstanceType<typeof arrow.Int32>, dictionaryId++);
      case 'binary':
        return new arrow.Binary();
      case 'bool':
        return new arrow.Bool();
      case 'int64':
        return new arrow.Int64();
      case 'float64':
        return new arrow.Float64();
      case 'fixed-binary':
        return new arrow.FixedSizeBinary(t.width);
      case 'uint64':
        return new arrow.Uint64();
      case 'uint8':
        return new arrow.Uint8();
      case 'utf8':
        return new arrow.Utf8();
    }
  };
  const schema = new arrow.Schema(
    fields.map((f) => new arrow.Field(f.name, typeOf(f.type), f.nullable)),
    new Map(metadata),
  );
  const stream = arrow.tableToIPC(new arrow.Table(schema), 'stream');
  // The stream is the schema message followed by the 8-byte end-of-stream marker.
  return Buffer.from(stream.subarray(0, stream.length - EOS_LENGTH)).toString('base64');
}
