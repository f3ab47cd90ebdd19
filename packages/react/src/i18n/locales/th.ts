import type { Channel } from '../../core/contract.js';
import type { PhoneWords } from '../../phone/words.js';
import { waitParts } from '../messages.js';
import type { OtpMessages } from './en.js';

const channels: Record<Channel, string> = { sms: 'SMS', whatsapp: 'WhatsApp', email: 'อีเมล', voice: 'การโทร' };

/** Thai. Thai has no sentence-final full stop; a space separates sentences. */
export const th = {
  phoneLabel: 'หมายเลขโทรศัพท์',
  phoneHint: 'ใส่รหัสประเทศด้วย เช่น +66812345678',
  phoneInvalid: 'กรุณากรอกหมายเลขพร้อมรหัสประเทศ โดยขึ้นต้นด้วย +',
  sendCode: 'ส่งรหัส',
  sending: 'กำลังส่ง…',
  codeLabel: 'รหัสยืนยัน',
  // Spaces around the channel: Thai leaves none between words, but a Latin word (SMS) run into Thai script reads
  // as one blur.
  codeSent: (to, channel) => `ส่งรหัสไปยัง ${to} ทาง ${channels[channel]} แล้ว`,
  changeNumber: 'เปลี่ยนหมายเลข',
  verifying: 'กำลังตรวจสอบรหัส…',
  verified: 'ยืนยันสำเร็จแล้ว',
  wrongCode: (n) => `รหัสไม่ถูกต้อง เหลืออีก ${n} ครั้ง`,
  expiresIn: (time) => `รหัสจะหมดอายุใน ${time}`,
  expired: 'รหัสหมดอายุแล้ว กรุณาขอรหัสใหม่',
  alreadyVerified: 'รหัสนี้ถูกใช้ไปแล้ว กรุณาขอรหัสใหม่',
  tooManyAttempts: 'กรอกรหัสผิดหลายครั้งเกินไป กรุณาขอรหัสใหม่',
  rateLimited: 'มีคำขอมากเกินไป กรุณารอสักครู่',
  retryIn: (time) => `ลองใหม่ได้ใน ${time}`,
  resend: 'ส่งรหัสอีกครั้ง',
  resendIn: (time) => `ส่งรหัสอีกครั้งได้ใน ${time}`,
  resendAvailable: 'ขอรหัสใหม่ได้แล้ว',
  sendNewCode: 'ขอรหัสใหม่',
  invalidPhone: 'หมายเลขนี้ไม่ถูกต้อง',
  undeliverable: 'ไม่สามารถส่งรหัสไปยังหมายเลขนี้ได้',
  notDelivered: (to, channel) => `ส่ง${channels[channel]}ไปยัง ${to} ไม่สำเร็จ ตรวจสอบหมายเลขหรือใช้หมายเลขอื่น`,
  forbidden: 'เว็บไซต์นี้ไม่สามารถส่งรหัสไปยังหมายเลขนี้ได้',
  botCheckFailed: 'เราไม่สามารถยืนยันได้ว่าคุณเป็นมนุษย์ โปรดทำการตรวจสอบให้เสร็จแล้วลองอีกครั้ง',
  networkError: 'เชื่อมต่อไม่ได้ กรุณาตรวจสอบอินเทอร์เน็ตแล้วลองใหม่',
  unavailable: 'บริการไม่พร้อมใช้งานชั่วคราว กรุณาลองใหม่ภายหลัง',
  genericError: 'เกิดข้อผิดพลาด กรุณาลองใหม่',
  phoneTitle: 'ยืนยันหมายเลขโทรศัพท์',
  emailTitle: 'ยืนยันอีเมล',
  emailLabel: 'อีเมล',
  emailHint: 'เราจะส่งรหัสไปที่อีเมลนี้',
  emailInvalid: 'กรอกอีเมล เช่น name@example.com',
  eitherTitle: 'ยืนยันตัวตน',
  eitherLabel: 'หมายเลขโทรศัพท์หรืออีเมล',
  eitherHint: 'หมายเลขโทรศัพท์พร้อมรหัสประเทศ หรืออีเมล',
  codeTitle: 'กรอกรหัส',
  changeEmail: 'เปลี่ยนอีเมล',
  verifiedTitle: 'ยืนยันแล้ว',
  verifiedTo: (to) => `${to} ได้รับการยืนยันแล้ว`,
  didNotGetCode: 'ไม่ได้รับรหัสใช่ไหม',
  sendBy: (channel) => (channel === 'voice' ? 'โทรหาฉันแทน' : `ส่งทาง ${channels[channel]}`),
  tryAgain: 'ลองอีกครั้ง',
  waitFor: (seconds) => {
    const [n, unit] = waitParts(seconds);
    return `ลองอีกครั้งได้ใน ${n} ${{ s: 'วินาที', m: 'นาที', h: 'ชั่วโมง' }[unit]}`;
  },
  channelUnavailable: 'ไม่สามารถใช้ตัวเลือกนี้ได้ โปรดลองวิธีอื่น',
} satisfies OtpMessages;

/** The words of `PhoneInput` (`@otpkit/react/phone`) in Thai. */
export const thPhone: PhoneWords = {
  phoneNumber: 'หมายเลขโทรศัพท์',
  country: 'ประเทศ',
  searchCountries: 'ค้นหาประเทศ',
  noResults: 'ไม่พบประเทศที่ตรงกัน',
  noCountry: 'ไม่ระบุประเทศ',
};
