import type { Channel } from '../../core/contract.js';
import type { PhoneWords } from '../../phone/words.js';
import { waitParts } from '../messages.js';
import type { OtpMessages } from './en.js';

const channels: Record<Channel, string> = { sms: 'SMS', whatsapp: 'WhatsApp', email: 'E-Mail', voice: 'Sprachanruf' };
const plural = /* @__PURE__ */ new Intl.PluralRules('de');

/** German ("Sie"). */
export const de = {
  phoneLabel: 'Telefonnummer',
  phoneHint: 'Mit Ländervorwahl, zum Beispiel +4915123456789.',
  phoneInvalid: 'Geben Sie die Nummer mit Ländervorwahl ein, beginnend mit +.',
  sendCode: 'Code senden',
  sending: 'Wird gesendet…',
  codeLabel: 'Bestätigungscode',
  codeSent: (to, channel) => `Wir haben einen Code per ${channels[channel]} an ${to} gesendet.`,
  changeNumber: 'Nummer ändern',
  verifying: 'Code wird geprüft…',
  verified: 'Bestätigt.',
  wrongCode: (n) => `Falscher Code. Noch ${n} ${plural.select(n) === 'one' ? 'Versuch' : 'Versuche'}.`,
  expiresIn: (time) => `Der Code läuft in ${time} ab`,
  expired: 'Der Code ist abgelaufen. Fordern Sie einen neuen an.',
  alreadyVerified: 'Dieser Code wurde bereits verwendet. Fordern Sie einen neuen an.',
  tooManyAttempts: 'Zu viele falsche Codes. Fordern Sie einen neuen Code an.',
  rateLimited: 'Zu viele Anfragen. Bitte warten Sie.',
  retryIn: (time) => `Erneut versuchen in ${time}`,
  resend: 'Code erneut senden',
  resendIn: (time) => `Code erneut senden in ${time}`,
  resendAvailable: 'Sie können den Code jetzt erneut senden.',
  sendNewCode: 'Neuen Code senden',
  invalidPhone: 'Diese Nummer ist ungültig.',
  undeliverable: 'Wir konnten keinen Code an diese Nummer senden.',
  notDelivered: (to, channel) =>
    `Der Code per ${channels[channel]} an ${to} wurde nicht zugestellt. Prüfen Sie die Nummer oder verwenden Sie eine andere.`,
  botCheckFailed:
    'Wir konnten nicht bestätigen, dass Sie ein Mensch sind. Schließen Sie die Prüfung ab und versuchen Sie es erneut.',
  forbidden: 'Diese Website kann keinen Code an diese Nummer senden.',
  networkError: 'Keine Verbindung. Prüfen Sie Ihr Netzwerk und versuchen Sie es erneut.',
  unavailable: 'Der Dienst ist nicht verfügbar. Versuchen Sie es gleich noch einmal.',
  genericError: 'Etwas ist schiefgelaufen. Versuchen Sie es erneut.',
  phoneTitle: 'Telefonnummer bestätigen',
  emailTitle: 'E-Mail-Adresse bestätigen',
  emailLabel: 'E-Mail-Adresse',
  emailHint: 'Wir senden Ihnen einen Code per E-Mail.',
  emailInvalid: 'Geben Sie eine E-Mail-Adresse wie name@beispiel.de ein.',
  eitherTitle: 'Bestätigen Sie, dass Sie es sind',
  eitherLabel: 'Telefonnummer oder E-Mail-Adresse',
  eitherHint: 'Eine Telefonnummer mit Ländervorwahl oder eine E-Mail-Adresse.',
  codeTitle: 'Code eingeben',
  changeEmail: 'E-Mail-Adresse ändern',
  verifiedTitle: 'Bestätigt',
  verifiedTo: (to) => `${to} ist bestätigt.`,
  didNotGetCode: 'Keinen Code erhalten?',
  sendBy: (channel) => (channel === 'voice' ? 'Stattdessen anrufen lassen' : `Per ${channels[channel]} senden`),
  tryAgain: 'Erneut versuchen',
  waitFor: (seconds) => {
    const [n, unit] = waitParts(seconds);
    const word = { s: ['Sekunde', 'Sekunden'], m: ['Minute', 'Minuten'], h: ['Stunde', 'Stunden'] }[unit][
      plural.select(n) === 'one' ? 0 : 1
    ];
    return `Sie können es in ${n} ${word} erneut versuchen.`;
  },
  channelUnavailable: 'Diese Option ist hier nicht verfügbar. Versuchen Sie es auf anderem Weg.',
} satisfies OtpMessages;

/** The words of `PhoneInput` (`@otpkit/react/phone`) in German. */
export const dePhone: PhoneWords = {
  phoneNumber: 'Telefonnummer',
  country: 'Land',
  searchCountries: 'Land suchen',
  noResults: 'Kein Land gefunden.',
  noCountry: 'Kein Land',
};
