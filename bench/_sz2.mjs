import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
const sets = {
 input: 'OtpInput', client:'createOtpClient', hook:'useOtpVerification', resend:'ResendButton', expiry:'ExpiryCountdown',
 'resend+expiry':'ResendButton, ExpiryCountdown', 'hook+input':'useOtpVerification, OtpInput', 'input+resend+expiry':'OtpInput, ResendButton, ExpiryCountdown',
 all:'OtpInput, ResendButton, ExpiryCountdown, useOtpVerification, createOtpClient'};
for (const [k, names] of Object.entries(sets)) {
  const r = await build({ stdin:{contents:`export { ${names} } from '@otpkit/react';`, resolveDir: process.cwd(), loader:'js'}, bundle:true, minify:true, format:'esm', platform:'browser', target:'es2022', write:false, conditions:['source'], define:{'process.env.NODE_ENV':'"production"'}, external:['react','react/*','react-dom','react-dom/*','@tanstack/react-query'], logLevel:'error'});
  const code = r.outputFiles[0].contents;
  console.log(k.padEnd(22), code.byteLength, gzipSync(code,{level:9}).byteLength);
}
