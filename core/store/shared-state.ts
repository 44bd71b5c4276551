// Ports for state that gateway processes share besides the message tables: conversation leases and adapters' state.

/**
 * Leases on keys (a conversation being drained), timed by the store's own clock so that every process
 * agrees on expiry. A holder is one process (a random id per start). A lease that is not renewed runs
 * out, so a dead holder's work is taken over after `leaseMs`.
 */
export interface LeaseStore {
  /** Takes the lease when nobody holds it or its holder's time ran out; false while it is held (by anyone, this holder too). */
  acquire(key: string, holder: string, leaseMs: number): Promise<boolean>;
  /** Extends the holder's lease from now; false when it is no longer theirs. */
  renew(key: string, holder: string, leaseMs: number): Promise<boolean>;
  /** Gives the lease up (and any stop request addressed to it). */
  release(key: string, holder: string): Promise<void>;
  /** The live holder, if any. */
  holder(key: string): Promise<string | undefined>;
  /** After a restart of the only process on this store: no lease is held by anyone alive. */
  releaseAll(): Promise<number>;
  /** `/stop` from a process other than the holder's: marks the live lease; false when nobody else holds it. */
  requestStop(key: string, requester: string): Promise<boolean>;
  /** The keys whose stop was requested from this holder since it last asked (each request is taken once). */
  takeStops(holder: string): Promise<string[]>;
}

/**
 * Small state an adapter keeps between starts and shares between processes (a poll cursor, reply windows,
 * reply contexts), as JSON values by namespace (the adapter) and key. A value past its `expiresAt` is gone.
 */
export interface AdapterStateStore {
  get<T>(namespace: string, key: string, now: number): Promise<T | undefined>;
  set(namespace: string, key: string, value: unknown, expiresAt?: number): Promise<void>;
  delete(namespace: string, key: string): Promise<void>;
  /** Removes expired values; returns how many. */
  pruneExpired(now: number): Promise<number>;
}
