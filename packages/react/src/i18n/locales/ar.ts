import type { Channel } from '../../core/contract.js';
import type { PhoneWords } from '../../phone/words.js';
import { waitParts } from '../messages.js';
import type { OtpMessages } from './en.js';

const channels: Record<Channel, string> = {
  sms: 'رسالة نصية',
  whatsapp: 'واتساب',
  email: 'البريد الإلكتروني',
  voice: 'مكالمة صوتية',
};
// A number inside Arabic text, isolated left to right (U+2066 … U+2069): "+966*****5678" must not be reordered by
// the bidi algorithm into "5678*****966+".
const ltr = (text: string) => `\u2066${text}\u2069`;
const plural = /* @__PURE__ */ new Intl.PluralRules('ar');
// Arabic has six plural forms: 0, 1, 2, 3–10 (few, plural noun), 11–99 (many, singular noun), and the rest.
const attempts: Record<string, (n: number) => string> = {
  zero: () => 'لم تتبقَّ أي محاولة',
  one: () => 'تبقّت محاولة واحدة',
  two: () => 'تبقّت محاولتان',
  few: (n) => `تبقّت ${n} محاولات`,
  many: (n) => `تبقّت ${n} محاولة`,
  other: (n) => `تبقّت ${n} محاولة`,
};

// After بعد, in the genitive, by the same six forms: ثانية واحدة, ثانيتين, 3 ثوانٍ, 11 ثانية.
const units: Record<'s' | 'm' | 'h', Record<string, (n: number) => string>> = {
  s: {
    zero: (n) => `${ltr(String(n))} ثانية`,
    one: () => 'ثانية واحدة',
    two: () => 'ثانيتين',
    few: (n) => `${ltr(String(n))} ثوانٍ`,
    many: (n) => `${ltr(String(n))} ثانية`,
    other: (n) => `${ltr(String(n))} ثانية`,
  },
  m: {
    zero: (n) => `${ltr(String(n))} دقيقة`,
    one: () => 'دقيقة واحدة',
    two: () => 'دقيقتين',
    few: (n) => `${ltr(String(n))} دقائق`,
    many: (n) => `${ltr(String(n))} دقيقة`,
    other: (n) => `${ltr(String(n))} دقيقة`,
  },
  h: {
    zero: (n) => `${ltr(String(n))} ساعة`,
    one: () => 'ساعة واحدة',
    two: () => 'ساعتين',
    few: (n) => `${ltr(String(n))} ساعات`,
    many: (n) => `${ltr(String(n))} ساعة`,
    other: (n) => `${ltr(String(n))} ساعة`,
  },
};

/** Arabic (Modern Standard Arabic). Right to left: render it under `dir="rtl"`; codes and numbers stay LTR. */
export const ar = {
  phoneLabel: 'رقم الهاتف',
  phoneHint: `أدخل رمز الدولة، مثل ${ltr('+966512345678')}.`,
  phoneInvalid: 'أدخل الرقم مع رمز الدولة، بدءًا بعلامة +.',
  sendCode: 'إرسال الرمز',
  sending: 'جارٍ الإرسال…',
  codeLabel: 'رمز التحقق',
  codeSent: (to, channel) => `أرسلنا رمزًا إلى ${ltr(to)} عبر ${channels[channel]}.`,
  changeNumber: 'تغيير الرقم',
  verifying: 'جارٍ التحقق من الرمز…',
  verified: 'تم التحقق.',
  wrongCode: (n) => `الرمز غير صحيح. ${(attempts[plural.select(n)] ?? attempts.other!)(n)}.`,
  expiresIn: (time) => `تنتهي صلاحية الرمز خلال ${ltr(time)}`,
  expired: 'انتهت صلاحية الرمز. اطلب رمزًا جديدًا.',
  alreadyVerified: 'سبق استخدام هذا الرمز. اطلب رمزًا جديدًا.',
  tooManyAttempts: 'أُدخلت رموز خاطئة كثيرة. اطلب رمزًا جديدًا.',
  rateLimited: 'طلبات كثيرة جدًا. يرجى الانتظار.',
  retryIn: (time) => `أعد المحاولة خلال ${ltr(time)}`,
  resend: 'إعادة إرسال الرمز',
  resendIn: (time) => `إعادة إرسال الرمز خلال ${ltr(time)}`,
  resendAvailable: 'يمكنك الآن إعادة إرسال الرمز.',
  sendNewCode: 'إرسال رمز جديد',
  invalidPhone: 'هذا الرقم غير صالح.',
  undeliverable: 'تعذّر إرسال رمز إلى هذا الرقم.',
  notDelivered: (to, channel) =>
    `لم يصل الرمز المرسل إلى ${ltr(to)} عبر ${channels[channel]}. تحقّق من الرقم أو استخدم رقمًا آخر.`,
  botCheckFailed: 'تعذّر التأكد من أنك إنسان. أكمل التحقق وحاول مرة أخرى.',
  forbidden: 'لا يمكن لهذا الموقع إرسال رمز إلى هذا الرقم.',
  networkError: 'لا يوجد اتصال. تحقق من الشبكة وحاول مرة أخرى.',
  unavailable: 'الخدمة غير متاحة. حاول مرة أخرى بعد قليل.',
  genericError: 'حدث خطأ ما. حاول مرة أخرى.',
  phoneTitle: 'تحقّق من رقم هاتفك',
  emailTitle: 'تحقّق من بريدك الإلكتروني',
  emailLabel: 'البريد الإلكتروني',
  emailHint: 'سنرسل إليك رمزًا عبر البريد الإلكتروني.',
  emailInvalid: `أدخل عنوان بريد إلكتروني مثل ${ltr('name@example.com')}.`,
  eitherTitle: 'أكّد هويتك',
  eitherLabel: 'رقم الهاتف أو البريد الإلكتروني',
  eitherHint: 'رقم هاتف مع رمز الدولة، أو عنوان بريد إلكتروني.',
  codeTitle: 'أدخل الرمز',
  changeEmail: 'تغيير البريد الإلكتروني',
  verifiedTitle: 'تم التحقق',
  verifiedTo: (to) => `تم التحقق من ${ltr(to)}.`,
  didNotGetCode: 'لم يصلك الرمز؟',
  sendBy: (channel) => (channel === 'voice' ? 'اتصل بي بدلًا من ذلك' : `إرسال عبر ${channels[channel]}`),
  tryAgain: 'حاول مرة أخرى',
  waitFor: (seconds) => {
    const [n, unit] = waitParts(seconds);
    const words = units[unit];
    return `يمكنك المحاولة مرة أخرى بعد ${(words[plural.select(n)] ?? words.other!)(n)}.`;
  },
  channelUnavailable: 'هذا الخيار غير متاح هنا. جرّب طريقة أخرى.',
} satisfies OtpMessages;

/** The words of `PhoneInput` (`@otpkit/react/phone`) in Arabic. */
export const arPhone: PhoneWords = {
  phoneNumber: 'رقم الهاتف',
  country: 'الدولة',
  searchCountries: 'ابحث عن دولة',
  noResults: 'لا توجد دولة مطابقة.',
  noCountry: 'بلا دولة',
};
