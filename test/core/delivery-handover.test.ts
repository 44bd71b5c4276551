import { describeFileHandover } from "../support/file-handover.ts";
import { sqliteFactory } from "../support/sqlite-factory.ts";

// Two processes on one SQLite file stand in for two gateway processes on one shared store.
describeFileHandover("sqlite", sqliteFactory());
