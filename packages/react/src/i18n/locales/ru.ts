import type { Channel } from '../../core/contract.js';
import type { PhoneWords } from '../../phone/words.js';
import { waitParts } from '../messages.js';
import type { OtpMessages } from './en.js';

// Each channel with its own preposition and case: "по SMS", "в WhatsApp", "по электронной почте", "звонком".
const channels: Record<Channel, string> = {
  sms: 'по SMS',
  whatsapp: 'в WhatsApp',
  email: 'по электронной почте',
  voice: 'голосовым звонком',
};
const plural = /* @__PURE__ */ new Intl.PluralRules('ru');
// one: 1, 21, 31 …; few: 2–4, 22–24 …; many: 0, 5–20, 25–30 …
const attempts: Record<string, (n: number) => string> = {
  one: (n) => `Осталась ${n} попытка`,
  few: (n) => `Осталось ${n} попытки`,
  many: (n) => `Осталось ${n} попыток`,
  other: (n) => `Осталось ${n} попытки`,
};
// After через, in the accusative: 1 секунду, 2 секунды, 5 секунд.
const units: Record<'s' | 'm' | 'h', Record<string, string>> = {
  s: { one: 'секунду', few: 'секунды', many: 'секунд', other: 'секунды' },
  m: { one: 'минуту', few: 'минуты', many: 'минут', other: 'минуты' },
  h: { one: 'час', few: 'часа', many: 'часов', other: 'часа' },
};

/** Russian ("вы"). */
export const ru = {
  phoneLabel: 'Номер телефона',
  phoneHint: 'Укажите код страны, например +79123456789.',
  phoneInvalid: 'Введите номер с кодом страны, начиная с +.',
  sendCode: 'Отправить код',
  sending: 'Отправка…',
  codeLabel: 'Код подтверждения',
  codeSent: (to, channel) => `Мы отправили код на ${to} ${channels[channel]}.`,
  changeNumber: 'Изменить номер',
  verifying: 'Проверяем код…',
  verified: 'Подтверждено.',
  wrongCode: (n) => `Неверный код. ${(attempts[plural.select(n)] ?? attempts.other!)(n)}.`,
  expiresIn: (time) => `Код действует ещё ${time}`,
  expired: 'Срок действия кода истёк. Запросите новый.',
  alreadyVerified: 'Этот код уже использован. Запросите новый.',
  tooManyAttempts: 'Слишком много неверных кодов. Запросите новый код.',
  rateLimited: 'Слишком много запросов. Подождите немного.',
  retryIn: (time) => `Повторить через ${time}`,
  resend: 'Отправить код ещё раз',
  resendIn: (time) => `Отправить код ещё раз через ${time}`,
  resendAvailable: 'Теперь можно отправить код ещё раз.',
  sendNewCode: 'Отправить новый код',
  invalidPhone: 'Этот номер недействителен.',
  undeliverable: 'Не удалось отправить код на этот номер.',
  notDelivered: (to, channel) =>
    `Код, отправленный на ${to} ${channels[channel]}, не доставлен. Проверьте номер или укажите другой.`,
  botCheckFailed: 'Не удалось подтвердить, что вы человек. Пройдите проверку и попробуйте снова.',
  forbidden: 'Этот сайт не может отправить код на этот номер.',
  networkError: 'Нет соединения. Проверьте сеть и повторите попытку.',
  unavailable: 'Сервис недоступен. Повторите попытку чуть позже.',
  genericError: 'Что-то пошло не так. Повторите попытку.',
  phoneTitle: 'Подтвердите номер телефона',
  emailTitle: 'Подтвердите адрес электронной почты',
  emailLabel: 'Адрес электронной почты',
  emailHint: 'Мы отправим вам код по электронной почте.',
  emailInvalid: 'Введите адрес электронной почты, например name@example.com.',
  eitherTitle: 'Подтвердите, что это вы',
  eitherLabel: 'Номер телефона или электронная почта',
  eitherHint: 'Номер телефона с кодом страны или адрес электронной почты.',
  codeTitle: 'Введите код',
  changeEmail: 'Изменить адрес почты',
  verifiedTitle: 'Подтверждено',
  // Both a number (номер) and an address (адрес) are masculine.
  verifiedTo: (to) => `${to} подтверждён.`,
  didNotGetCode: 'Не пришёл код?',
  sendBy: (channel) => (channel === 'voice' ? 'Получить код звонком' : `Отправить ${channels[channel]}`),
  tryAgain: 'Повторить попытку',
  waitFor: (seconds) => {
    const [n, unit] = waitParts(seconds);
    const words = units[unit];
    return `Повторить попытку можно через ${n} ${words[plural.select(n)] ?? words.other}.`;
  },
  channelUnavailable: 'Этот способ здесь недоступен. Попробуйте другой.',
} satisfies OtpMessages;

/** The words of `PhoneInput` (`@otpkit/react/phone`) in Russian. */
export const ruPhone: PhoneWords = {
  phoneNumber: 'Номер телефона',
  country: 'Страна',
  searchCountries: 'Поиск страны',
  noResults: 'Страна не найдена.',
  noCountry: 'Без страны',
};
