/** Stands in for a record whose text could not be parsed, so it is reported at its position. */
export class UnparseableRecord {
  constructor(readonly message: string) {}
}
