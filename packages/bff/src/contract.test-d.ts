// The contract is declared twice, once per side (the browser bundle must not import server code): this file fails
// `tsc` (part of `npm test`) the moment the two declarations drift apart. docs/http-contract.md is their prose.
import type * as Browser from '../../react/src/core/contract.js';
import type * as Server from './contract.js';

/** True only when A and B are the same type (not merely assignable one way). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;

export type ContractAgrees = [
  Expect<Equal<Browser.SendRequest, Server.SendRequest>>,
  Expect<Equal<Browser.VerifyRequest, Server.VerifyRequest>>,
  Expect<Equal<Browser.ResendRequest, Server.ResendRequest>>,
  Expect<Equal<Browser.SendResponse, Server.SendResponse>>,
  Expect<Equal<Browser.VerifyResponse, Server.VerifyResponse>>,
  Expect<Equal<Browser.StatusRequest, Server.StatusRequest>>,
  Expect<Equal<Browser.StatusResponse, Server.StatusResponse>>,
  Expect<Equal<Browser.Channel, Server.Channel>>,
  Expect<Equal<Browser.Locale, Server.Locale>>,
  // The browser knows every code of the server, plus its own `network_error` (no answer at all).
  Expect<Equal<Browser.OtpErrorCode, Server.ErrorCode | 'network_error'>>,
  // The browser reads any error body the server writes (its `code` is a string: a newer server may know more).
  Expect<Server.ErrorBody extends Browser.ErrorBody ? true : false>,
];
