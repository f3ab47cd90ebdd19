/**
 * The words of `PhoneInput`: English defaults here; every locale module has its own set beside its `OtpMessages`
 * (`import { jaPhone } from '@otpkit/react/locales/ja'`), a separate export so an app that uses no phone entry
 * bundles none of them. Country names are not words to translate: `Intl.DisplayNames` gives them in the `locale`.
 */
export interface PhoneWords {
  /** The number field's accessible name when the app gives it no label of its own (`id` + `<label>`, `aria-label`
   * or `aria-labelledby`). */
  phoneNumber: string;
  /** The country button's name (before the country), and the name of the country popup. */
  country: string;
  /** The label of the search field over the country list. */
  searchCountries: string;
  /** Shown in the list when the search matches no country. */
  noResults: string;
  /** The button when no country is chosen or the number has none (+800 …). */
  noCountry: string;
}

export const phoneWords: PhoneWords = {
  phoneNumber: 'Phone number',
  country: 'Country',
  searchCountries: 'Search countries',
  noResults: 'No country matches.',
  noCountry: 'No country',
};
