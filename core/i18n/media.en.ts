/** Attachments the bot cannot use: too large, too long, or of a kind it cannot take here. */
export const mediaEn = {
  "media.tooBig": "That file is too big ({size}; the limit is {limit}).",
  "media.tooBigToDownload": "That file is too big for me to download ({size}; I can take up to {limit} from {platform}).",
  "media.tooBigOver": "That file is too big (over {limit}).",
  "media.tooBigToSend": "{name} is too large to send here ({size}; the limit is {limit}).",
  "media.voiceTooLong": "That voice message is {seconds} s long; I take up to {max} s.",
  "media.noSpeechToText": "I can't listen to voice messages here: no speech-to-text is configured (STT_PROVIDER). Please type it.",
  "media.noImages": "I can't look at images here (the media packages are not installed).",
  "media.noVideo": "I can't watch videos yet: send a screenshot, or describe what matters.",
  "media.unusable": "I could not use one of the attachments.",
  "media.transcribing": "Transcribing the voice message",
  "media.readingImage": "Reading the image",
  "media.tookTooLong": "{what} took too long; I gave up.",
} as const;
