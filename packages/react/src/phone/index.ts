'use client';
// @otpkit/react/phone: the phone entry, its own entry point so that the primitives and the drop-in do not carry
// libphonenumber-js (its `min` metadata) unless an app imports this.
export { type CountryListProps, searchCountries } from './country-list.js';
export {
  type CountryCode,
  countryFromLanguages,
  type PhoneStatus,
  phoneDigits,
  type ReadPhone,
  readPhone,
} from './parse.js';
export { type PhoneChange, PhoneInput, type PhoneInputProps } from './phone-input.js';
export { type PhoneWords, phoneWords } from './words.js';
