/**
 * The data model every layer shares (see docs/architecture.md).
 *
 * Field values keep their line-protocol type: a float is a `number`, an integer is a
 * `bigint` (the full int64 range, exact), a string is a `string`, a boolean a `boolean`.
 * Time is nanoseconds since the epoch as a `bigint`, exact end to end.
 */
export type FieldValue = number | bigint | string | boolean

export type Tags = Readonly<Record<string, string>>
export type Fields = Readonly<Record<string, FieldValue>>

export interface Point {
  readonly db: string
  readonly rp: string
  /** The measurement. */
  readonly name: string
  /** Tag values by key. Objects may be shared between points of one series: never mutate. */
  readonly tags: Tags
  readonly fields: Fields
  /** Nanoseconds since the Unix epoch. */
  readonly time: bigint
}

/** The type InfluxDB gives a field value. */
export type FieldType = 'float' | 'integer' | 'string' | 'boolean'

export function fieldType(value: FieldValue): FieldType {
  switch (typeof value) {
    case 'number': return 'float'
    case 'bigint': return 'integer'
    case 'string': return 'string'
    default: return 'boolean'
  }
}
