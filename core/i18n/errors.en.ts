/** What a user reads when something fails: the error with its reference, and errors' own sentences. */
export const errorsEn = {
  "errors.withRef": "⚠️ {message} (ref {ref})",
  "errors.internal": "Something went wrong while answering.",
  "errors.stopped": "Stopped.",
  "errors.job": "Job {id}: {message}",
  "errors.service.credentials": "{service} refused the credentials (HTTP {status}): check {variable}.",
  "errors.service.rateLimited": "{service} is rate-limiting us (HTTP 429) even after retries. Try again in a minute.",
  "errors.service.rejected": "{service} rejected the request (HTTP {status}){hint}.",
  "errors.service.failed": "{service} failed (HTTP {status}).",
  "errors.service.unreachable": "{service} could not be reached.",
} as const;
