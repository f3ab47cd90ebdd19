import type { Channel } from '../../core/contract.js';
import type { PhoneWords } from '../../phone/words.js';
import { waitParts } from '../messages.js';
import type { OtpMessages } from './en.js';

// With the particle: 로 after a vowel or ㄹ, 으로 after another consonant (왓츠앱 → 으로).
const channels: Record<Channel, string> = {
  sms: '문자 메시지로',
  whatsapp: 'WhatsApp으로',
  email: '이메일로',
  voice: '음성 전화로',
};

/** Korean (polite 합니다 style). Korean has no plural forms: "n번". */
export const ko = {
  phoneLabel: '전화번호',
  phoneHint: '국가 번호를 포함해 입력하세요. 예: +821012345678',
  phoneInvalid: '+로 시작하는 국가 번호를 포함해 입력하세요.',
  sendCode: '인증 코드 보내기',
  sending: '보내는 중…',
  codeLabel: '인증 코드',
  // 에 (not (으)로) after the number: it does not depend on how the number's last digit is read.
  codeSent: (to, channel) => `${to}에 ${channels[channel]} 인증 코드를 보냈습니다.`,
  changeNumber: '번호 변경',
  verifying: '코드를 확인하는 중…',
  verified: '인증되었습니다.',
  wrongCode: (n) => `코드가 올바르지 않습니다. ${n}번 더 시도할 수 있습니다.`,
  expiresIn: (time) => `코드 만료까지 ${time}`,
  expired: '코드가 만료되었습니다. 새 코드를 요청하세요.',
  alreadyVerified: '이미 사용된 코드입니다. 새 코드를 요청하세요.',
  tooManyAttempts: '잘못된 코드를 너무 많이 입력했습니다. 새 코드를 요청하세요.',
  rateLimited: '요청이 너무 많습니다. 잠시 기다려 주세요.',
  retryIn: (time) => `${time} 후 다시 시도`,
  resend: '코드 다시 보내기',
  resendIn: (time) => `${time} 후 코드 다시 보내기`,
  resendAvailable: '이제 코드를 다시 보낼 수 있습니다.',
  sendNewCode: '새 코드 보내기',
  invalidPhone: '유효하지 않은 번호입니다.',
  undeliverable: '이 번호로 코드를 보낼 수 없습니다.',
  notDelivered: (to, channel) =>
    `${to}(으)로 보낸 ${channels[channel]} 인증 코드가 전달되지 않았습니다. 번호를 확인하거나 다른 번호를 사용하세요.`,
  botCheckFailed: '사람인지 확인하지 못했습니다. 확인을 완료한 뒤 다시 시도하세요.',
  forbidden: '이 사이트에서는 이 번호로 코드를 보낼 수 없습니다.',
  networkError: '연결되지 않았습니다. 네트워크를 확인한 후 다시 시도하세요.',
  unavailable: '서비스를 사용할 수 없습니다. 잠시 후 다시 시도하세요.',
  genericError: '문제가 발생했습니다. 다시 시도하세요.',
  phoneTitle: '전화번호 인증',
  emailTitle: '이메일 주소 인증',
  emailLabel: '이메일 주소',
  emailHint: '이메일로 인증 코드를 보내 드립니다.',
  emailInvalid: 'name@example.com 형식으로 이메일 주소를 입력하세요.',
  eitherTitle: '본인 확인',
  eitherLabel: '전화번호 또는 이메일 주소',
  eitherHint: '국가 번호를 포함한 전화번호 또는 이메일 주소를 입력하세요.',
  codeTitle: '인증 코드 입력',
  changeEmail: '이메일 변경',
  verifiedTitle: '인증 완료',
  verifiedTo: (to) => `${to} 인증이 완료되었습니다.`,
  didNotGetCode: '코드를 받지 못하셨나요?',
  // The channel carries its particle: "WhatsApp으로 받기", "음성 전화로 받기".
  sendBy: (channel) => `${channels[channel]} 받기`,
  tryAgain: '다시 시도',
  waitFor: (seconds) => {
    const [n, unit] = waitParts(seconds);
    return `${n}${{ s: '초', m: '분', h: '시간' }[unit]} 후에 다시 시도할 수 있습니다.`;
  },
  channelUnavailable: '여기서는 이 방법을 사용할 수 없습니다. 다른 방법으로 시도하세요.',
} satisfies OtpMessages;

/** The words of `PhoneInput` (`@otpkit/react/phone`) in Korean. */
export const koPhone: PhoneWords = {
  phoneNumber: '전화번호',
  country: '국가',
  searchCountries: '국가 검색',
  noResults: '일치하는 국가가 없습니다.',
  noCountry: '국가 없음',
};
