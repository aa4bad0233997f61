/**
 * A store class is assembled from one object of methods per aggregate (<aggregate>/*.sqlite.ts,
 * *.postgres.ts), each method typed with `this` as the store. The class declares them with an
 * interface merged into it (`interface SqliteStore extends Methods<typeof sqliteSources>, …`) and
 * installs them with installMethods, so each aggregate's code lives beside its interface.
 */

/** An aggregate's methods as a store instance has them (without the `this` parameter). */
export type Methods<T> = { [K in keyof T]: OmitThisParameter<T[K]> };

/** Puts aggregates' methods on a class's prototype as class methods are: writable, configurable, not enumerable. */
export function installMethods(proto: object, aggregates: readonly object[]): void {
  for (const methods of aggregates) {
    for (const [name, value] of Object.entries(methods)) {
      if (Object.prototype.hasOwnProperty.call(proto, name)) throw new Error(`installMethods: ${name} is defined twice`);
      Object.defineProperty(proto, name, { value, writable: true, configurable: true, enumerable: false });
    }
  }
}
