import type { Channel } from '../../core/contract.js';
import type { PhoneWords } from '../../phone/words.js';
import { waitParts } from '../messages.js';
import type { OtpMessages } from './en.js';

const channels: Record<Channel, string> = {
  sms: 'SMS',
  whatsapp: 'WhatsApp',
  email: 'correo electrónico',
  voice: 'llamada de voz',
};

/** Spanish (neutral: "tú", no regional vocabulary). */
export const es = {
  phoneLabel: 'Número de teléfono',
  phoneHint: 'Incluye el prefijo del país, por ejemplo +34612345678.',
  phoneInvalid: 'Escribe el número con el prefijo del país, empezando por +.',
  sendCode: 'Enviar código',
  sending: 'Enviando…',
  codeLabel: 'Código de verificación',
  codeSent: (to, channel) => `Hemos enviado un código a ${to} por ${channels[channel]}.`,
  changeNumber: 'Cambiar número',
  verifying: 'Comprobando el código…',
  verified: 'Verificado.',
  wrongCode: (n) => `Código incorrecto. ${n === 1 ? 'Queda 1 intento' : `Quedan ${n} intentos`}.`,
  expiresIn: (time) => `El código caduca en ${time}`,
  expired: 'El código ha caducado. Solicita uno nuevo.',
  alreadyVerified: 'Este código ya se ha usado. Solicita uno nuevo.',
  tooManyAttempts: 'Demasiados intentos fallidos. Solicita un código nuevo.',
  rateLimited: 'Demasiadas solicitudes. Espera un momento.',
  retryIn: (time) => `Reintentar en ${time}`,
  resend: 'Reenviar código',
  resendIn: (time) => `Reenviar código en ${time}`,
  resendAvailable: 'Ya puedes reenviar el código.',
  sendNewCode: 'Enviar un código nuevo',
  invalidPhone: 'Este número no es válido.',
  undeliverable: 'No hemos podido enviar el código a este número.',
  notDelivered: (to, channel) =>
    `No se pudo entregar el código a ${to} por ${channels[channel]}. Comprueba el número o usa otro.`,
  forbidden: 'Este sitio no puede enviar códigos a este número.',
  botCheckFailed: 'No pudimos confirmar que eres una persona. Completa la verificación e inténtalo de nuevo.',
  networkError: 'Sin conexión. Comprueba tu red e inténtalo de nuevo.',
  unavailable: 'El servicio no está disponible. Inténtalo de nuevo en unos momentos.',
  genericError: 'Algo ha fallado. Inténtalo de nuevo.',
  phoneTitle: 'Verifica tu número de teléfono',
  emailTitle: 'Verifica tu correo electrónico',
  emailLabel: 'Correo electrónico',
  emailHint: 'Te enviaremos un código por correo.',
  emailInvalid: 'Escribe un correo como nombre@ejemplo.com.',
  eitherTitle: 'Verifica que eres tú',
  eitherLabel: 'Teléfono o correo electrónico',
  eitherHint: 'Un teléfono con el prefijo del país, o un correo electrónico.',
  codeTitle: 'Introduce el código',
  changeEmail: 'Cambiar correo',
  verifiedTitle: 'Verificado',
  verifiedTo: (to) => `${to} está verificado.`,
  didNotGetCode: '¿No te ha llegado el código?',
  sendBy: (channel) => (channel === 'voice' ? 'Llámame' : `Enviar por ${channels[channel]}`),
  tryAgain: 'Reintentar',
  waitFor: (seconds) => {
    const [n, unit] = waitParts(seconds);
    const word = { s: ['segundo', 'segundos'], m: ['minuto', 'minutos'], h: ['hora', 'horas'] }[unit][n === 1 ? 0 : 1];
    return `Podrás volver a intentarlo en ${n} ${word}.`;
  },
  channelUnavailable: 'Esta opción no está disponible. Prueba de otra forma.',
} satisfies OtpMessages;

/** The words of `PhoneInput` (`@otpkit/react/phone`) in Spanish. */
export const esPhone: PhoneWords = {
  phoneNumber: 'Número de teléfono',
  country: 'País',
  searchCountries: 'Buscar país',
  noResults: 'Ningún país coincide.',
  noCountry: 'Sin país',
};
