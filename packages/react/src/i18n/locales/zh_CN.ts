import type { Channel } from '../../core/contract.js';
import type { PhoneWords } from '../../phone/words.js';
import { waitParts } from '../messages.js';
import type { OtpMessages } from './en.js';

const channels: Record<Channel, string> = { sms: '短信', whatsapp: 'WhatsApp', email: '电子邮件', voice: '语音电话' };

/** Simplified Chinese (mainland China). */
export const zh_CN = {
  phoneLabel: '手机号码',
  phoneHint: '请包含国家/地区代码，例如 +8613800138000。',
  phoneInvalid: '请输入以 + 开头、包含国家/地区代码的号码。',
  sendCode: '发送验证码',
  sending: '正在发送…',
  codeLabel: '验证码',
  codeSent: (to, channel) => `验证码已通过${channels[channel]}发送至 ${to}。`,
  changeNumber: '更换号码',
  verifying: '正在验证…',
  verified: '验证成功。',
  wrongCode: (n) => `验证码错误，还剩 ${n} 次机会。`,
  expiresIn: (time) => `验证码将在 ${time} 后失效`,
  expired: '验证码已失效，请重新获取。',
  alreadyVerified: '该验证码已被使用，请重新获取。',
  tooManyAttempts: '错误次数过多，请重新获取验证码。',
  rateLimited: '请求过于频繁，请稍后再试。',
  retryIn: (time) => `${time} 后重试`,
  resend: '重新发送',
  resendIn: (time) => `${time} 后可重新发送`,
  resendAvailable: '现在可以重新发送验证码了。',
  sendNewCode: '获取新验证码',
  invalidPhone: '该号码无效。',
  undeliverable: '无法向该号码发送验证码。',
  notDelivered: (to, channel) => `发送至 ${to} 的${channels[channel]}未能送达。请检查号码，或使用其他号码。`,
  forbidden: '本网站无法向该号码发送验证码。',
  botCheckFailed: '无法确认您是真人。请完成验证后重试。',
  networkError: '网络连接失败，请检查网络后重试。',
  unavailable: '服务暂时不可用，请稍后再试。',
  genericError: '出错了，请重试。',
  phoneTitle: '验证手机号',
  emailTitle: '验证邮箱',
  emailLabel: '邮箱地址',
  emailHint: '我们会把验证码发送到这个邮箱。',
  emailInvalid: '请输入邮箱地址，例如 name@example.com。',
  eitherTitle: '验证身份',
  eitherLabel: '手机号或邮箱',
  eitherHint: '带国家/地区代码的手机号，或邮箱地址。',
  codeTitle: '输入验证码',
  changeEmail: '更换邮箱',
  verifiedTitle: '验证成功',
  verifiedTo: (to) => `${to} 已验证。`,
  didNotGetCode: '没有收到验证码？',
  sendBy: (channel) => (channel === 'voice' ? '改为语音来电' : `通过${channels[channel]}发送`),
  tryAgain: '重试',
  waitFor: (seconds) => {
    const [n, unit] = waitParts(seconds);
    return `请在 ${n} ${{ s: '秒', m: '分钟', h: '小时' }[unit]}后重试。`;
  },
  channelUnavailable: '此方式暂不可用，请换一种方式。',
} satisfies OtpMessages;

/** The words of `PhoneInput` (`@otpkit/react/phone`) in Simplified Chinese. */
export const zh_CNPhone: PhoneWords = {
  phoneNumber: '手机号码',
  country: '国家/地区',
  searchCountries: '搜索国家/地区',
  noResults: '没有匹配的国家/地区。',
  noCountry: '未选择国家/地区',
};
