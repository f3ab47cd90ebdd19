import type { Channel } from '../../core/contract.js';
import type { PhoneWords } from '../../phone/words.js';
import { waitParts } from '../messages.js';
import type { OtpMessages } from './en.js';

// Hong Kong usage, not only Traditional characters: 短訊 (not 簡訊), 電郵, 網絡, 索取.
const channels: Record<Channel, string> = { sms: '短訊', whatsapp: 'WhatsApp', email: '電郵', voice: '語音來電' };

/** Traditional Chinese (Hong Kong). */
export const zh_HK = {
  phoneLabel: '電話號碼',
  phoneHint: '請包括國家／地區代碼，例如 +85291234567。',
  phoneInvalid: '請輸入以 + 開頭並包括國家／地區代碼的號碼。',
  sendCode: '發送驗證碼',
  sending: '發送中…',
  codeLabel: '驗證碼',
  codeSent: (to, channel) => `驗證碼已透過${channels[channel]}發送至 ${to}。`,
  changeNumber: '更改號碼',
  verifying: '驗證中…',
  verified: '驗證成功。',
  wrongCode: (n) => `驗證碼錯誤，尚餘 ${n} 次機會。`,
  expiresIn: (time) => `驗證碼將於 ${time} 後失效`,
  expired: '驗證碼已失效，請重新索取。',
  alreadyVerified: '此驗證碼已被使用，請重新索取。',
  tooManyAttempts: '錯誤次數過多，請重新索取驗證碼。',
  rateLimited: '請求過於頻繁，請稍後再試。',
  retryIn: (time) => `${time} 後重試`,
  resend: '重新發送',
  resendIn: (time) => `${time} 後可重新發送`,
  resendAvailable: '現在可以重新發送驗證碼。',
  sendNewCode: '索取新驗證碼',
  invalidPhone: '此號碼無效。',
  undeliverable: '無法向此號碼發送驗證碼。',
  notDelivered: (to, channel) => `發送至 ${to} 的${channels[channel]}未能送達。請檢查號碼，或使用其他號碼。`,
  forbidden: '本網站無法向此號碼發送驗證碼。',
  botCheckFailed: '無法確認您是真人。請完成驗證後再試。',
  networkError: '網絡連線失敗，請檢查網絡後再試。',
  unavailable: '服務暫時無法使用，請稍後再試。',
  genericError: '發生錯誤，請再試一次。',
  phoneTitle: '驗證手機號碼',
  emailTitle: '驗證電郵地址',
  emailLabel: '電郵地址',
  emailHint: '我們會把驗證碼傳送到這個電郵地址。',
  emailInvalid: '請輸入電郵地址，例如 name@example.com。',
  eitherTitle: '驗證身份',
  eitherLabel: '手機號碼或電郵地址',
  eitherHint: '連國家／地區代碼的手機號碼，或電郵地址。',
  codeTitle: '輸入驗證碼',
  changeEmail: '更改電郵地址',
  verifiedTitle: '驗證成功',
  verifiedTo: (to) => `${to} 已驗證。`,
  didNotGetCode: '收不到驗證碼？',
  sendBy: (channel) => (channel === 'voice' ? '改用語音來電' : `透過${channels[channel]}傳送`),
  tryAgain: '再試一次',
  waitFor: (seconds) => {
    const [n, unit] = waitParts(seconds);
    return `請於 ${n} ${{ s: '秒', m: '分鐘', h: '小時' }[unit]}後再試。`;
  },
  channelUnavailable: '此方式暫不可用，請改用其他方式。',
} satisfies OtpMessages;

/** The words of `PhoneInput` (`@otpkit/react/phone`) in Traditional Chinese (Hong Kong). */
export const zh_HKPhone: PhoneWords = {
  phoneNumber: '電話號碼',
  country: '國家／地區',
  searchCountries: '搜尋國家／地區',
  noResults: '沒有相符的國家／地區。',
  noCountry: '未選擇國家／地區',
};
