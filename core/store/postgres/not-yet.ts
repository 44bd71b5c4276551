import { BridgeError } from "../../types/errors.ts";

/** A port PostgreSQL does not implement yet: every call rejects with an error that says so. */
export function notYetOnPostgres<Port extends object>(part: string): Port {
  return new Proxy({} as Port, {
    get: (_target, method) => async () => {
      throw new BridgeError("config", `${part} are not on PostgreSQL yet (store method ${String(method)}); unset DATABASE_URL to use them`);
    },
  });
}
