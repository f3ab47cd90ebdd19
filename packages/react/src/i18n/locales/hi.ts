import type { Channel } from '../../core/contract.js';
import type { PhoneWords } from '../../phone/words.js';
import { waitParts } from '../messages.js';
import type { OtpMessages } from './en.js';

const channels: Record<Channel, string> = { sms: 'SMS', whatsapp: 'WhatsApp', email: 'ईमेल', voice: 'वॉइस कॉल' };
// Hindi counts 0 and 1 in the singular (बचा है), the rest in the plural (बचे हैं).
const plural = /* @__PURE__ */ new Intl.PluralRules('hi');

/** Hindi ("आप"), with the English loanwords Indian apps use (कोड, SMS). */
export const hi = {
  phoneLabel: 'फ़ोन नंबर',
  phoneHint: 'देश का कोड भी लिखें, जैसे +919812345678।',
  phoneInvalid: 'देश के कोड के साथ नंबर लिखें, जो + से शुरू हो।',
  sendCode: 'कोड भेजें',
  sending: 'भेजा जा रहा है…',
  codeLabel: 'पुष्टि कोड',
  codeSent: (to, channel) => `हमने ${to} पर ${channels[channel]} से कोड भेजा है।`,
  changeNumber: 'नंबर बदलें',
  verifying: 'कोड जाँचा जा रहा है…',
  verified: 'पुष्टि हो गई।',
  wrongCode: (n) => `गलत कोड। ${n} ${plural.select(n) === 'one' ? 'प्रयास बचा है' : 'प्रयास बचे हैं'}।`,
  expiresIn: (time) => `कोड ${time} में समाप्त होगा`,
  expired: 'कोड की समय-सीमा समाप्त हो गई। नया कोड मँगाएँ।',
  alreadyVerified: 'यह कोड पहले ही इस्तेमाल हो चुका है। नया कोड मँगाएँ।',
  tooManyAttempts: 'बहुत बार गलत कोड डाला गया। नया कोड मँगाएँ।',
  rateLimited: 'बहुत सारे अनुरोध। कृपया थोड़ा रुकें।',
  retryIn: (time) => `${time} में फिर से कोशिश करें`,
  resend: 'कोड फिर से भेजें',
  resendIn: (time) => `${time} में कोड फिर से भेजें`,
  resendAvailable: 'अब आप कोड फिर से भेज सकते हैं।',
  sendNewCode: 'नया कोड भेजें',
  invalidPhone: 'यह नंबर मान्य नहीं है।',
  undeliverable: 'इस नंबर पर कोड नहीं भेजा जा सका।',
  notDelivered: (to, channel) => `${to} पर ${channels[channel]} से भेजा गया कोड नहीं पहुँचा। नंबर जाँचें या दूसरा नंबर इस्तेमाल करें।`,
  botCheckFailed: 'हम पुष्टि नहीं कर सके कि आप इंसान हैं। जाँच पूरी करें और फिर से कोशिश करें।',
  forbidden: 'यह साइट इस नंबर पर कोड नहीं भेज सकती।',
  networkError: 'कनेक्शन नहीं है। अपना नेटवर्क जाँचें और फिर से कोशिश करें।',
  unavailable: 'सेवा अभी उपलब्ध नहीं है। थोड़ी देर में फिर से कोशिश करें।',
  genericError: 'कुछ गड़बड़ हो गई। फिर से कोशिश करें।',
  phoneTitle: 'अपने फ़ोन नंबर की पुष्टि करें',
  emailTitle: 'अपने ईमेल पते की पुष्टि करें',
  emailLabel: 'ईमेल पता',
  emailHint: 'हम आपको ईमेल से कोड भेजेंगे।',
  emailInvalid: 'name@example.com जैसा ईमेल पता लिखें।',
  eitherTitle: 'पुष्टि करें कि यह आप ही हैं',
  eitherLabel: 'फ़ोन नंबर या ईमेल',
  eitherHint: 'देश के कोड के साथ फ़ोन नंबर, या ईमेल पता।',
  codeTitle: 'कोड डालें',
  changeEmail: 'ईमेल बदलें',
  verifiedTitle: 'पुष्टि हो गई',
  verifiedTo: (to) => `${to} की पुष्टि हो गई है।`,
  didNotGetCode: 'कोड नहीं मिला?',
  sendBy: (channel) => (channel === 'voice' ? 'इसके बजाय मुझे कॉल करें' : `${channels[channel]} से भेजें`),
  tryAgain: 'फिर से कोशिश करें',
  // Before में the unit takes the oblique form, the same for 1 and for more: 1 घंटे में, 4 घंटे में.
  waitFor: (seconds) => {
    const [n, unit] = waitParts(seconds);
    return `आप ${n} ${{ s: 'सेकंड', m: 'मिनट', h: 'घंटे' }[unit]} में फिर से कोशिश कर सकते हैं।`;
  },
  channelUnavailable: 'यह विकल्प यहाँ उपलब्ध नहीं है। कोई दूसरा तरीका आज़माएँ।',
} satisfies OtpMessages;

/** The words of `PhoneInput` (`@otpkit/react/phone`) in Hindi. */
export const hiPhone: PhoneWords = {
  phoneNumber: 'फ़ोन नंबर',
  country: 'देश',
  searchCountries: 'देश खोजें',
  noResults: 'कोई देश नहीं मिला।',
  noCountry: 'कोई देश नहीं',
};
