import type { Approvals } from "../../core/approvals.ts";
import type { BudgetConfig } from "../../core/config.ts";
import type { Locale } from "../../core/i18n/catalogue.ts";
import type { Store } from "../../core/store/store.ts";
import type { HttpRoute } from "../../core/types/adapter.ts";
import type { Logger } from "../../core/types/logger.ts";
import type { ChannelStatus, ConsoleAuth } from "../http.ts";
import { createAccessRoutes } from "./access-routes.ts";
import type { ConfiguredAccess } from "./access-page.ts";
import { createApprovalRoutes } from "./approval-routes.ts";
import type { ChannelActivity } from "./channel-activity.ts";
import { consoleLocale } from "./locale.ts";
import { loginPage } from "./login-page.ts";
import { consoleLoginRoutes, safeNext } from "./login-routes.ts";
import { readOverview } from "./overview-data.ts";
import { overviewPage, type LoginSection } from "./overview-page.ts";
import { consoleContext, sendConsolePage } from "./page-context.ts";
import type { ConsoleSessions } from "./session.ts";
import { sendJson } from "../../adapters/kit/http-body.ts";

export interface ConsoleDeps {
  store: Store;
  approvals: Approvals;
  sessions: ConsoleSessions;
  adminToken: string;
  /** Each channel's health by channel id. */
  channels: () => Record<string, ChannelStatus>;
  activity: ChannelActivity;
  budget: BudgetConfig;
  access: ConfiguredAccess;
  /** The platforms that log in from the overview (ClawBot). */
  logins: readonly LoginSection[];
  logger: Logger;
  /** PINCER_LOCALE: the language when the browser names none of ours. */
  defaultLocale?: Locale;
  now?: () => number;
}

/** The hours of activity the overview shows unless `?hours=` (1 to 24) says otherwise. */
const defaultHours = 3;
const hoursOf = (url: string | undefined) => {
  const asked = Number(new URL(url ?? "/", "http://localhost").searchParams.get("hours"));
  return Number.isInteger(asked) && asked >= 1 && asked <= 24 ? asked : defaultHours;
};

/** What the HTTP server needs to let a session cookie in, and what it shows a browser that has none. */
export function consoleAuth(sessions: ConsoleSessions, defaultLocale?: Locale): ConsoleAuth {
  return {
    sessions,
    loginPage: (request) => loginPage({ locale: consoleLocale(request, defaultLocale).locale, next: safeNext(request.path) }),
  };
}

/** The console: login, Overview (`/admin`), Approvals, Pairing and access, and their JSON API. */
export function createConsoleRoutes(deps: ConsoleDeps): HttpRoute[] {
  const now = deps.now ?? Date.now;
  const shared = { store: deps.store, sessions: deps.sessions, now, ...(deps.defaultLocale ? { defaultLocale: deps.defaultLocale } : {}) };
  return [
    ...consoleLoginRoutes({ adminToken: deps.adminToken, sessions: deps.sessions, logger: deps.logger, ...(deps.defaultLocale ? { defaultLocale: deps.defaultLocale } : {}) }),
    {
      method: "GET",
      path: "/admin",
      isOwnerOnly: true,
      handle: async (request, response) => {
        const context = await consoleContext(request, deps.sessions, deps.defaultLocale);
        const overview = await readOverview(deps, now(), hoursOf(request.url));
        sendConsolePage(response, overviewPage({ locale: context.locale, user: context.user, overview, logins: deps.logins }), context);
      },
    },
    {
      method: "GET",
      path: "/api/admin/overview",
      isOwnerOnly: true,
      handle: async (request, response) => {
        const { channels, ...rest } = await readOverview(deps, now(), hoursOf(request.url));
        sendJson(response, 200, { ...rest, channels: channels.map(({ loginQrSvg: _qr, ...channel }) => channel) });
      },
    },
    ...createApprovalRoutes({ ...shared, approvals: deps.approvals }),
    ...createAccessRoutes({ ...shared, configured: deps.access }),
  ];
}
