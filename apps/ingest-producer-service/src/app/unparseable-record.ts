/** Stands in for a record whose text could not be parsed, so it is reported at its position. */
export class UnparseableRecord {
  constructor(
    readonly message: string,
    /** INVALID_JSON, or TOO_DEEP / TOO_LARGE when the text is over a JSON limit. */
    readonly code = 'INVALID_JSON',
  ) {}
}
