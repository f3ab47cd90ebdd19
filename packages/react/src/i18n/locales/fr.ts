import type { Channel } from '../../core/contract.js';
import type { PhoneWords } from '../../phone/words.js';
import { waitParts } from '../messages.js';
import type { OtpMessages } from './en.js';

const channels: Record<Channel, string> = { sms: 'SMS', whatsapp: 'WhatsApp', email: 'e-mail', voice: 'appel vocal' };
// French counts 0 and 1 in the singular ("il reste 1 tentative"), 2 and up in the plural.
const plural = /* @__PURE__ */ new Intl.PluralRules('fr');

/** French (France; "vous"). A no-break space goes before "?", "!", ":" in French typography. */
export const fr = {
  phoneLabel: 'Numéro de téléphone',
  phoneHint: 'Indiquez l’indicatif du pays, par exemple +33612345678.',
  phoneInvalid: 'Saisissez le numéro avec l’indicatif du pays, en commençant par +.',
  sendCode: 'Envoyer le code',
  sending: 'Envoi…',
  codeLabel: 'Code de vérification',
  codeSent: (to, channel) => `Nous avons envoyé un code au ${to} par ${channels[channel]}.`,
  changeNumber: 'Changer de numéro',
  verifying: 'Vérification du code…',
  verified: 'Vérifié.',
  wrongCode: (n) => `Code incorrect. Il reste ${n} ${plural.select(n) === 'one' ? 'tentative' : 'tentatives'}.`,
  expiresIn: (time) => `Le code expire dans ${time}`,
  expired: 'Le code a expiré. Demandez-en un nouveau.',
  alreadyVerified: 'Ce code a déjà été utilisé. Demandez-en un nouveau.',
  tooManyAttempts: 'Trop de codes incorrects. Demandez un nouveau code.',
  rateLimited: 'Trop de demandes. Veuillez patienter.',
  retryIn: (time) => `Réessayer dans ${time}`,
  resend: 'Renvoyer le code',
  resendIn: (time) => `Renvoyer le code dans ${time}`,
  resendAvailable: 'Vous pouvez maintenant renvoyer le code.',
  sendNewCode: 'Envoyer un nouveau code',
  invalidPhone: 'Ce numéro n’est pas valide.',
  undeliverable: 'Nous n’avons pas pu envoyer de code à ce numéro.',
  notDelivered: (to, channel) =>
    `Le code envoyé au ${to} par ${channels[channel]} n’a pas été remis. Vérifiez le numéro ou utilisez-en un autre.`,
  botCheckFailed: 'Nous n’avons pas pu confirmer que vous êtes une personne. Terminez la vérification et réessayez.',
  forbidden: 'Ce site ne peut pas envoyer de code à ce numéro.',
  networkError: 'Pas de connexion. Vérifiez votre réseau et réessayez.',
  unavailable: 'Le service est indisponible. Réessayez dans un instant.',
  genericError: 'Une erreur s’est produite. Réessayez.',
  phoneTitle: 'Vérifiez votre numéro de téléphone',
  emailTitle: 'Vérifiez votre adresse e-mail',
  emailLabel: 'Adresse e-mail',
  emailHint: 'Nous vous enverrons un code par e-mail.',
  emailInvalid: 'Saisissez une adresse e-mail comme nom@exemple.fr.',
  eitherTitle: 'Confirmez votre identité',
  eitherLabel: 'Numéro de téléphone ou adresse e-mail',
  eitherHint: 'Un numéro de téléphone avec l’indicatif du pays, ou une adresse e-mail.',
  codeTitle: 'Saisissez le code',
  changeEmail: 'Changer d’adresse e-mail',
  verifiedTitle: 'Vérifié',
  // Neither "vérifié" nor "vérifiée": `to` is a number (masculine) or an address (feminine).
  verifiedTo: (to) => `Vérification réussie pour ${to}.`,
  didNotGetCode: 'Vous n’avez pas reçu de code\u00a0?',
  sendBy: (channel) => (channel === 'voice' ? 'Recevoir plutôt un appel' : `Envoyer par ${channels[channel]}`),
  tryAgain: 'Réessayer',
  waitFor: (seconds) => {
    const [n, unit] = waitParts(seconds);
    const word = { s: ['seconde', 'secondes'], m: ['minute', 'minutes'], h: ['heure', 'heures'] }[unit][
      plural.select(n) === 'one' ? 0 : 1
    ];
    return `Vous pourrez réessayer dans ${n} ${word}.`;
  },
  channelUnavailable: 'Cette option n’est pas disponible ici. Essayez un autre moyen.',
} satisfies OtpMessages;

/** The words of `PhoneInput` (`@otpkit/react/phone`) in French. */
export const frPhone: PhoneWords = {
  phoneNumber: 'Numéro de téléphone',
  country: 'Pays',
  searchCountries: 'Rechercher un pays',
  noResults: 'Aucun pays ne correspond.',
  noCountry: 'Aucun pays',
};
