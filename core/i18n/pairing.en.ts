/** What an unknown direct-message sender or group is told: the pairing code and how the owner approves it. */
export const pairingEn = {
  "pairing.user": "I don't know you yet. Your pairing code is **{code}** (valid for {minutes} min).",
  "pairing.group": "I don't know this group yet. Its pairing code is **{code}** (valid for {minutes} min).",
  "pairing.ask": "Ask the owner of this bot to run: `npm run pincer -- pairing approve {channel} {code}`",
} as const;
