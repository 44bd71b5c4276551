/** The console's frame: its title and navigation. */
export const consoleEn = {
  "console.title": "Pincer console",
  "console.nav.overview": "Overview",
  "console.nav.conversations": "Conversations",
  "console.nav.approvals": "Approvals",
  "console.nav.jobs": "Jobs",
  "console.nav.usage": "Usage",
  "console.nav.access": "Pairing and access",
  "console.nav.audit": "Audit log",
  "console.nav.setup": "Setup",
  "console.language": "Language",
  "console.logout": "Log out",
} as const;
