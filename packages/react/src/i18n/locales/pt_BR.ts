import type { Channel } from '../../core/contract.js';
import type { PhoneWords } from '../../phone/words.js';
import { waitParts } from '../messages.js';
import type { OtpMessages } from './en.js';

const channels: Record<Channel, string> = {
  sms: 'SMS',
  whatsapp: 'WhatsApp',
  email: 'e-mail',
  voice: 'chamada de voz',
};
// Brazilian Portuguese counts 0 and 1 in the singular.
const plural = /* @__PURE__ */ new Intl.PluralRules('pt-BR');

/** Brazilian Portuguese ("você"). */
export const pt_BR = {
  phoneLabel: 'Número de telefone',
  phoneHint: 'Inclua o código do país, por exemplo +5511912345678.',
  phoneInvalid: 'Digite o número com o código do país, começando com +.',
  sendCode: 'Enviar código',
  sending: 'Enviando…',
  codeLabel: 'Código de verificação',
  codeSent: (to, channel) => `Enviamos um código para ${to} por ${channels[channel]}.`,
  changeNumber: 'Alterar número',
  verifying: 'Verificando o código…',
  verified: 'Verificado.',
  wrongCode: (n) =>
    `Código incorreto. ${plural.select(n) === 'one' ? `Resta ${n} tentativa` : `Restam ${n} tentativas`}.`,
  expiresIn: (time) => `O código expira em ${time}`,
  expired: 'O código expirou. Peça um novo.',
  alreadyVerified: 'Este código já foi usado. Peça um novo.',
  tooManyAttempts: 'Muitos códigos incorretos. Peça um novo código.',
  rateLimited: 'Muitas solicitações. Aguarde um pouco.',
  retryIn: (time) => `Tente novamente em ${time}`,
  resend: 'Reenviar código',
  resendIn: (time) => `Reenviar código em ${time}`,
  resendAvailable: 'Você já pode reenviar o código.',
  sendNewCode: 'Enviar um novo código',
  invalidPhone: 'Este número não é válido.',
  undeliverable: 'Não foi possível enviar o código para este número.',
  notDelivered: (to, channel) =>
    `O código enviado para ${to} por ${channels[channel]} não foi entregue. Confira o número ou use outro.`,
  botCheckFailed: 'Não conseguimos confirmar que você é uma pessoa. Conclua a verificação e tente de novo.',
  forbidden: 'Este site não pode enviar códigos para este número.',
  networkError: 'Sem conexão. Verifique sua rede e tente novamente.',
  unavailable: 'O serviço está indisponível. Tente novamente em instantes.',
  genericError: 'Algo deu errado. Tente novamente.',
  phoneTitle: 'Verifique seu número de telefone',
  emailTitle: 'Verifique seu e-mail',
  emailLabel: 'Endereço de e-mail',
  emailHint: 'Vamos enviar um código para o seu e-mail.',
  emailInvalid: 'Digite um e-mail como nome@exemplo.com.',
  eitherTitle: 'Confirme que é você',
  eitherLabel: 'Telefone ou e-mail',
  eitherHint: 'Um telefone com o código do país ou um endereço de e-mail.',
  codeTitle: 'Digite o código',
  changeEmail: 'Alterar e-mail',
  verifiedTitle: 'Verificado',
  verifiedTo: (to) => `${to} foi verificado.`,
  didNotGetCode: 'Não recebeu o código?',
  sendBy: (channel) => (channel === 'voice' ? 'Receber uma ligação' : `Enviar por ${channels[channel]}`),
  tryAgain: 'Tentar novamente',
  waitFor: (seconds) => {
    const [n, unit] = waitParts(seconds);
    const word = { s: ['segundo', 'segundos'], m: ['minuto', 'minutos'], h: ['hora', 'horas'] }[unit][
      plural.select(n) === 'one' ? 0 : 1
    ];
    return `Você poderá tentar novamente em ${n} ${word}.`;
  },
  channelUnavailable: 'Esta opção não está disponível aqui. Tente de outra forma.',
} satisfies OtpMessages;

/** The words of `PhoneInput` (`@otpkit/react/phone`) in Brazilian Portuguese. */
export const pt_BRPhone: PhoneWords = {
  phoneNumber: 'Número de telefone',
  country: 'País',
  searchCountries: 'Buscar país',
  noResults: 'Nenhum país encontrado.',
  noCountry: 'Nenhum país',
};
