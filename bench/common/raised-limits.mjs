// The handler options every throughput bench gives its server: each limit raised far past what a run reaches, so
// every measured verify stays a wrong-code 200 that asks the provider (with the defaults the 6th wrong code is a 429
// without an upstream call), and a setup's sends to consecutive numbers of one country from one address are not
// refused as pumping. One list, so a new limit is raised in every bench at once (a daily wrong-code budget that one
// server forgot once refused most of its verifies).
const many = 1_000_000_000;

export const RAISED_LIMITS = {
  maxAttempts: many,
  maxFailuresPerNumber: many,
  maxFailuresPerNumberPerDay: many,
  numberLimit: { limit: many, windowSeconds: 3600 },
  ipLimit: { limit: many, windowSeconds: 3600 },
  prefixVelocity: { digits: 2, limit: many, windowSeconds: 3600 },
  countryBudget: { default: many },
  sendBudget: { perHour: many, perDay: many },
};
