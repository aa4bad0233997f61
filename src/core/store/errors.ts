/** A store-level failure: bad input to a store method or a store that cannot be opened/migrated. */
export class StoreError extends Error {
  override readonly name = 'StoreError';
}
