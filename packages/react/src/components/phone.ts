/** The contract's E.164 pattern: checked before sending so a typo costs no request. */
export const isE164 = (to: string): boolean => /^\+[1-9]\d{6,14}$/.test(to);

/** Strips what people type around a number (spaces, dashes, dots, brackets) and keeps a leading `+`. */
export const normalizePhone = (input: string): string => input.replace(/[\s\-().]/g, '');
