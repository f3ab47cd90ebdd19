import type { Channel } from '../../core/contract.js';
import type { PhoneWords } from '../../phone/words.js';
import { waitParts } from '../messages.js';
import type { OtpMessages } from './en.js';

const channels: Record<Channel, string> = { sms: 'SMS', whatsapp: 'WhatsApp', email: 'メール', voice: '音声通話' };

/** Japanese. */
export const ja = {
  phoneLabel: '電話番号',
  phoneHint: '国番号から入力してください（例: +819012345678）。',
  phoneInvalid: '「+」と国番号から始まる番号を入力してください。',
  sendCode: '認証コードを送信',
  sending: '送信中…',
  codeLabel: '認証コード',
  codeSent: (to, channel) => `${to} に${channels[channel]}で認証コードを送信しました。`,
  changeNumber: '電話番号を変更',
  verifying: '確認中…',
  verified: '認証が完了しました。',
  // Word joiners (U+2060) keep あと, the number and its counter 回 on one line.
  wrongCode: (n) => `コードが正しくありません。あと\u2060${n}\u2060回入力できます。`,
  expiresIn: (time) => `コードの有効期限まで ${time}`,
  expired: 'コードの有効期限が切れました。新しいコードを送信してください。',
  alreadyVerified: 'このコードはすでに使用されています。新しいコードを送信してください。',
  tooManyAttempts: '入力の失敗が多すぎます。新しいコードを送信してください。',
  rateLimited: 'リクエストが多すぎます。しばらくしてからお試しください。',
  retryIn: (time) => `${time} 後に再試行できます`,
  resend: 'コードを再送信',
  resendIn: (time) => `${time} 後に再送信できます`,
  resendAvailable: 'コードを再送信できるようになりました。',
  sendNewCode: '新しいコードを送信',
  invalidPhone: 'この電話番号は無効です。',
  undeliverable: 'この番号にコードを送信できませんでした。',
  notDelivered: (to, channel) =>
    `${to} への${channels[channel]}が届きませんでした。番号を確認するか、別の番号をお使いください。`,
  forbidden: 'このサイトからはこの番号にコードを送信できません。',
  botCheckFailed: '人間であることを確認できませんでした。確認を完了して、もう一度お試しください。',
  networkError: '接続できません。ネットワークを確認して、もう一度お試しください。',
  unavailable: 'サービスを一時的に利用できません。しばらくしてからお試しください。',
  genericError: 'エラーが発生しました。もう一度お試しください。',
  phoneTitle: '電話番号の確認',
  emailTitle: 'メールアドレスの確認',
  emailLabel: 'メールアドレス',
  emailHint: 'このアドレスに認証コードをお送りします。',
  emailInvalid: 'name@example.com のような形式で入力してください。',
  eitherTitle: 'ご本人確認',
  eitherLabel: '電話番号またはメールアドレス',
  eitherHint: '国番号から始まる電話番号、またはメールアドレス。',
  codeTitle: '認証コードを入力',
  changeEmail: 'メールアドレスを変更',
  verifiedTitle: '認証済み',
  verifiedTo: (to) => `${to} は認証されました。`,
  didNotGetCode: 'コードが届きませんか？',
  sendBy: (channel) => (channel === 'voice' ? '電話で受け取る' : `${channels[channel]}で送信`),
  tryAgain: 'もう一度試す',
  waitFor: (seconds) => {
    const [n, unit] = waitParts(seconds);
    return `${n}${{ s: '秒', m: '分', h: '時間' }[unit]}後にもう一度お試しください。`;
  },
  channelUnavailable: 'この方法は利用できません。別の方法をお試しください。',
} satisfies OtpMessages;

/** The words of `PhoneInput` (`@otpkit/react/phone`) in Japanese. */
export const jaPhone: PhoneWords = {
  phoneNumber: '電話番号',
  country: '国・地域',
  searchCountries: '国・地域を検索',
  noResults: '該当する国・地域がありません。',
  noCountry: '国・地域なし',
};
