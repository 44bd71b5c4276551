import type { IncomingMessage } from "node:http";
import type { Locale } from "../../core/i18n/catalogue.ts";
import { consoleLocale } from "./locale.ts";

/** The console's language for a page of Usage, Jobs or Audit log (`?lang=`, the remembered choice, the browser's). */
export const pageLocale = (request: IncomingMessage, fallback: Locale = "en"): Locale => consoleLocale(request, fallback).locale;
