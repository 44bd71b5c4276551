/** Words several areas share. */
export const commonEn = {
  "common.yes": "Yes",
  "common.no": "No",
  "common.never": "never",
} as const;
