import type { BudgetConfig } from "../../core/config-types.ts";
import type { Locale } from "../../core/i18n/catalogue.ts";
import type { JobService } from "../../core/jobs/service.ts";
import type { Store } from "../../core/store/store.ts";

/** What the console's Usage, Jobs and Audit log pages read: the store's ports, the job service and the caps. */
export interface ConsoleDataDeps {
  store: Store;
  jobs: JobService;
  budget: BudgetConfig;
  /** The language when the browser names none we have (PINCER_LOCALE). */
  locale?: Locale;
  now?: () => number;
}
