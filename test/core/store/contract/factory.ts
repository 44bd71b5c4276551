import type { Store } from "../../../../core/store/store.ts";

/**
 * How a contract suite gets the implementation under test: a fresh empty store per test, and further
 * connections to that same store, as other gateway processes would open them.
 */
export interface StoreFactory {
  /** A fresh, empty store (closed by `cleanup`). */
  open(): Promise<Store>;
  /** Another connection to the store `open` returned last: another process on the same data. */
  openAnother(): Promise<Store>;
  /** Closes every store it opened and removes their data. */
  cleanup(): Promise<void>;
}

/** Opens a store before each test and cleans up after it; `current()` is the test's store. */
export function usingStore(factory: StoreFactory, hooks: { beforeEach: (fn: () => Promise<void>) => void; afterEach: (fn: () => Promise<void>) => void }) {
  let store: Store | undefined;
  hooks.beforeEach(async () => {
    store = await factory.open();
  });
  hooks.afterEach(async () => {
    store = undefined;
    await factory.cleanup();
  });
  return () => store!;
}
