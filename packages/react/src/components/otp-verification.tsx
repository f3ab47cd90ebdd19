'use client';
import {
  type FormEvent,
  type ReactNode,
  type Ref,
  type RefObject,
  useCallback,
  useEffect,
  useId,
  useRef,
  useState,
} from 'react';
import { useCountdown } from '../hooks/use-countdown.js';
import { useDelivery } from '../hooks/use-delivery.js';
import {
  type Channel,
  isBusy,
  isFinished,
  type Locale,
  type OtpState,
  type UseOtpVerificationOptions,
  useOtpVerification,
} from '../hooks/use-otp-verification.js';
import { en, type OtpMessages } from '../i18n/locales/en.js';
import { formatTime, statusMessage } from '../i18n/messages.js';
import { ExpiryCountdown } from './expiry-countdown.js';
import { OtpInput } from './otp-input.js';
import { isE164, normalizePhone } from './phone.js';
import { ResendButton } from './resend-button.js';
import { visuallyHidden } from './visually-hidden.js';

export interface OtpVerificationProps {
  /** Where the @otpkit/bff handler is mounted. @defaultValue '/api/otp' */
  endpoint?: string;
  /** A fetch to use instead of the global one (e.g. the handler itself, in Storybook and tests). */
  fetch?: UseOtpVerificationOptions['fetch'];
  /** Runs once when the server accepted the code. Send `proof` to your server and check it there. */
  onVerified?: (result: { proof: string; to: string }) => void;
  /** The language of the SMS/e-mail template, as a BCP 47 tag (`'ja'`, `'zh-CN'`, …; the server maps it to its
   * provider's languages). The words on screen come from `messages`: pass the matching locale module, e.g.
   * `messages={ja}` from `@otpkit/react/locales/ja`. */
  locale?: Locale;
  /** Overrides for any of the words (English by default). */
  messages?: Partial<OtpMessages>;
  /** Where the server runs a bot check: a function returning a fresh widget token, called for each send and resend
   * (or a token). See `useOtpVerification`'s `botToken`. */
  botToken?: UseOtpVerificationOptions['botToken'];
  /** What the user verifies: a phone number, an e-mail address (the server must allow e-mail: `allowEmail`), or
   * either in one field. @defaultValue 'phone' */
  recipient?: 'phone' | 'email' | 'either';
  /** Other channels the server can send a code by (its provider's `channels`), offered under "Didn't get a
   * code?" once a resend is allowed: `['whatsapp', 'voice']` shows "Send by WhatsApp" and "Call me instead".
   * @defaultValue [] */
  channels?: readonly Channel[];
  /**
   * Your phone field instead of the plain one, e.g. `PhoneInput` from `@otpkit/react/phone` (a country picker,
   * national formats as typed, any pasted spelling): `phoneInput={(field) => <PhoneInput {...field} />}`. It gets the
   * field's id, description, invalid state, a ref (focus) and `onChange(e164 | null, { text })`; the drop-in sends
   * the E.164 number it reports. A slot, not a built-in, so the drop-in does not carry libphonenumber-js's metadata
   * for apps that do not use it. Unset: a plain field for a number with its country code.
   */
  phoneInput?: (field: PhoneFieldProps) => ReactNode;
  /** Prefills the phone number or address. */
  defaultTo?: string;
  className?: string;
}

/** What the drop-in gives a `phoneInput`: spread it onto the field. */
export interface PhoneFieldProps {
  id: string;
  ref: Ref<HTMLInputElement>;
  defaultValue: string;
  /** `value`: the E.164 number, or null while the field holds none (incomplete, invalid). */
  onChange: (value: string | null, change: { text: string }) => void;
  'aria-describedby': string;
  'aria-invalid': true | undefined;
}

type Step = 'entry' | 'code' | 'done';
/** Where focus goes when a status begins: the code field, the step's main action, the step's title, the entry
 * field; unset: it stays where the user put it (typing, a button that stays focusable). */
type Focus = 'code' | 'action' | 'title' | 'field';

/**
 * What each status shows: ONE table, so a new status (e.g. a `delivery` state, "not delivered: try another
 * channel") is one row here plus its words.
 * - `step`: the card's step; `open` means "the code step once a code was sent, else the entry step".
 * - `error`: the message is an error (red, next to its field, linked with aria-describedby).
 * - `action`: the code step's main action instead of "Didn't get a code?": a new code, or the failed verify again.
 * - `focus`: see Focus.
 */
const VIEWS: Record<OtpState['status'], { step: Step | 'open'; error?: true; action?: 'newCode'; focus?: Focus }> = {
  idle: { step: 'entry', focus: 'field' },
  sending: { step: 'open' },
  code_sent: { step: 'code', focus: 'code' },
  verifying: { step: 'code' },
  invalid_code: { step: 'code', error: true },
  verified: { step: 'done', focus: 'title' },
  expired: { step: 'code', error: true, action: 'newCode', focus: 'action' },
  already_verified: { step: 'code', error: true, action: 'newCode', focus: 'action' },
  too_many_attempts: { step: 'code', error: true, action: 'newCode', focus: 'action' },
  rate_limited: { step: 'open', error: true },
  error: { step: 'open', error: true },
};

/** Errors that are about the number or address itself: only these mark the entry field invalid (a network or
 * provider failure is not the user's typo). */
const FIELD_ERRORS = new Set(['invalid_phone', 'undeliverable', 'forbidden', 'channel_unavailable']);
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A masked recipient as it is shown (`+86•••••••5678`) and as it is spoken: digits one by one, the hidden part as
 * a pause ("+ 8 6 … 5 6 7 8"), never "star star star". */
const shown = (to: string) => to.replace(/\*/g, '•');
const spoken = (to: string) =>
  to.includes('@') ? to.replace(/\*+/g, '…') : to.replace(/\*+/g, ' … ').replace(/(\d)(?=\d)/g, '$1 ');

/**
 * The drop-in flow: phone number or e-mail address -> code (with resend, other channels and expiry) -> verified.
 * Every step has a title and labelled fields; each status has its words, shown next to the field they concern and
 * announced once through one polite live region; focus moves to a sensible element on every change. The steps
 * share one grid cell, so the card keeps the height of the tallest and does not jump between states. Countdowns
 * tick inside their own components, so neither the flow nor the OtpInput re-renders once a second.
 */
export function OtpVerification({
  messages,
  recipient = 'phone',
  channels = [],
  phoneInput,
  defaultTo = '',
  className = '',
  ...options
}: OtpVerificationProps) {
  const m = { ...en, ...messages };
  // The rest of the props (endpoint, fetch, locale, onVerified, botToken) are the hook's options.
  const otp = useOtpVerification(options);
  const { status, to, channel, error } = otp;
  const [value, setValue] = useState(defaultTo);
  // The client-side format check's verdict for what was submitted (null: it passed or nothing was submitted).
  const [badFormat, setBadFormat] = useState<string | null>(null);
  // The message is hidden once the user edits the field it is about, until the next status.
  const [editedFor, setEditedFor] = useState<string | null>(null);
  const id = useId();
  const codeRef = useRef<HTMLInputElement | null>(null);
  const refs = {
    field: useRef<HTMLInputElement>(null),
    code: codeRef,
    action: useRef<HTMLButtonElement>(null),
    title: { entry: useRef<HTMLHeadingElement>(null), code: useRef<HTMLHeadingElement>(null) },
    done: useRef<HTMLHeadingElement>(null),
  };
  // The verify that failed, to try again with (the code stays in the field).
  const lastCode = useRef('');
  const lastRoute = useRef<'send' | 'verify' | 'resend'>('send');

  const view = VIEWS[status];
  const step: Step = view.step === 'open' ? (to && otp.verificationId !== null ? 'code' : 'entry') : view.step;
  const isEmail = recipient === 'email' || (recipient === 'either' && value.includes('@'));
  const key = `${status} ${otp.wrongCodes} ${error?.code ?? ''} ${badFormat ?? ''}`;
  const edited = editedFor === key;
  // An honest wait, in words, where the status has one ("You can try again in 4 minutes."); computed when the status
  // begins (the buttons carry the ticking time).
  const wait =
    (status === 'rate_limited' || status === 'too_many_attempts') && otp.retryAt && otp.retryAt > Date.now()
      ? ` ${m.waitFor((otp.retryAt - Date.now()) / 1000)}`
      : '';
  // Whether the code arrived, read while it can still be typed: "not delivered" is worth saying before the user
  // waits out the whole expiry for an SMS the carrier already gave up on (POST …/status; `unknown` ends the reads).
  const delivery = useDelivery(step === 'code' && !isFinished(status) ? otp.verificationId : null, {
    endpoint: options.endpoint,
    fetch: options.fetch,
    until: otp.expiresAt,
  });
  const notDelivered = delivery === 'failed' && status === 'code_sent' && !!to && !!channel;
  const words = (recipientText: (to: string) => string) =>
    edited
      ? ''
      : notDelivered && to && channel
        ? m.notDelivered(recipientText(to), channel)
        : (badFormat ?? statusMessage(m, { ...otp, to: to && recipientText(to) }) + wait);
  const message = words(spoken);
  const visibleMessage = words(shown);
  const isError = !!badFormat || !!view.error;
  const fieldInvalid = !edited && (!!badFormat || (step === 'entry' && FIELD_ERRORS.has(error?.code ?? '')));
  // A verify that failed on the way (network, provider): offer it again rather than make the user edit a digit.
  const retryVerify = status === 'error' && step === 'code' && lastRoute.current === 'verify';
  const action = view.action ?? (retryVerify ? 'retry' : undefined);
  // (On code_sent the "sent to" line says it; the code step shows no message.)
  const shownMessage = step === 'code' && status === 'code_sent' && !notDelivered ? '' : visibleMessage;
  // Only when there is something to hide: typing a code must not re-render the flow (render-count.test.tsx).
  const onEdit = (next: string) => {
    if (next && !edited && (shownMessage || otp.inputProps.invalid)) setEditedFor(key);
  };

  const customPhone = recipient === 'phone' && phoneInput !== undefined;
  const recipientOf = (raw: string) => (raw.includes('@') ? raw.trim() : normalizePhone(raw));
  const send = (extra?: { channel: Channel }) => {
    lastRoute.current = 'send';
    return otp.send(recipientOf(value), extra);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (isBusy(status)) return;
    const next = recipientOf(value);
    const bad = isEmail
      ? EMAIL.test(next)
        ? null
        : m.emailInvalid
      : isE164(next)
        ? null
        : recipient === 'either'
          ? m.eitherHint
          : // A phone field of the app's has its own country picker: "starting with +" would not be true there.
            customPhone
            ? m.invalidPhone
            : m.phoneInvalid;
    setBadFormat(bad);
    if (!bad) void send();
  };

  // Focus, on every status change after the first render: the table's target, else wherever the user is, unless
  // that is nowhere (<body>) or inside a step that just went away: then the current step's title.
  const first = useRef(true);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new status (or step) is the trigger
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const target = focusTarget(
      action === 'retry' ? 'action' : view.focus,
      step,
      refs,
      badFormat !== null || fieldInvalid,
    );
    const current = document.activeElement;
    const lost = !current || current === document.body || !!current.closest('[data-otpkit-hidden]');
    (target ?? (lost ? (step === 'done' ? refs.done : refs.title[step]).current : null))?.focus();
  }, [status, step, badFormat, otp.wrongCodes]);

  const setCode = useCallback(
    (el: HTMLInputElement | null) => {
      codeRef.current = el;
      otp.inputProps.ref(el);
    },
    [otp.inputProps.ref],
  );

  const labels = {
    phone: [m.phoneTitle, m.phoneLabel, m.phoneHint],
    email: [m.emailTitle, m.emailLabel, m.emailHint],
    either: [m.eitherTitle, m.eitherLabel, m.eitherHint],
  }[recipient];
  const messageId = `${id}message`;
  const hintId = `${id}hint`;
  const codeId = `${id}code`;
  const sentTo = to ?? '';

  return (
    <div className={`otpkit-flow ${className}`.trim()} data-step={step} data-status={status} data-recipient={recipient}>
      <StepPanel active={step === 'entry'} name="entry">
        <h2 className="otpkit-title" tabIndex={-1} ref={refs.title.entry}>
          {labels[0]}
        </h2>
        <form className="otpkit-number" noValidate onSubmit={submit}>
          <label className="otpkit-label" htmlFor={`${id}to`}>
            {labels[1]}
          </label>
          {customPhone && phoneInput ? (
            phoneInput({
              id: `${id}to`,
              ref: refs.field,
              defaultValue: defaultTo,
              onChange: (next, change) => {
                setValue(next ?? change.text);
                onEdit(change.text);
              },
              'aria-describedby': step === 'entry' && visibleMessage ? `${hintId} ${messageId}` : hintId,
              'aria-invalid': fieldInvalid || undefined,
            })
          ) : (
            <input
              ref={refs.field}
              id={`${id}to`}
              className="otpkit-phone"
              type={recipient === 'phone' ? 'tel' : recipient === 'email' ? 'email' : 'text'}
              inputMode={recipient === 'phone' ? 'tel' : recipient === 'email' ? 'email' : undefined}
              name="to"
              autoComplete={recipient === 'phone' ? 'tel' : recipient === 'email' ? 'email' : 'username'}
              value={value}
              onChange={(e) => {
                setValue(e.target.value);
                onEdit(e.target.value);
              }}
              aria-describedby={step === 'entry' && visibleMessage ? `${hintId} ${messageId}` : hintId}
              aria-invalid={fieldInvalid || undefined}
            />
          )}
          <p id={hintId} className="otpkit-hint">
            {labels[2]}
          </p>
          {/* Always there (the room is reserved); its id only where it describes the active field. */}
          <Message
            id={step === 'entry' ? messageId : undefined}
            text={step === 'entry' ? visibleMessage : ''}
            error={isError}
            status={status}
          />
          <CountdownButton
            className="otpkit-send"
            type="submit"
            until={otp.retryAt}
            busy={status === 'sending' && step === 'entry'}
            label={m.sendCode}
            busyLabel={m.sending}
            waitLabel={m.retryIn}
          />
        </form>
      </StepPanel>

      <StepPanel active={step === 'code'} name="code">
        <div className="otpkit-title-row">
          <h2 className="otpkit-title" tabIndex={-1} ref={refs.title.code}>
            {m.codeTitle}
          </h2>
          <button
            type="button"
            className="otpkit-change"
            onClick={() => {
              setBadFormat(null);
              otp.reset();
            }}
          >
            {sentTo.includes('@') ? m.changeEmail : m.changeNumber}
          </button>
        </div>
        <p className="otpkit-sent">
          {channel && (
            <>
              <span aria-hidden="true">{m.codeSent(`\u2068${shown(sentTo)}\u2069`, channel)}</span>
              <span style={visuallyHidden}>{m.codeSent(spoken(sentTo), channel)}</span>
            </>
          )}
        </p>
        <label className="otpkit-label" htmlFor={codeId}>
          {m.codeLabel}
        </label>
        <OtpInput
          {...otp.inputProps}
          ref={setCode}
          id={codeId}
          name="code"
          // A finished code stays on screen, disabled, so the card keeps its shape; focus goes to the new-code button.
          disabled={otp.inputProps.disabled || step !== 'code'}
          invalid={otp.inputProps.invalid && !edited}
          onChange={onEdit}
          onComplete={(code) => {
            lastCode.current = code;
            lastRoute.current = 'verify';
            otp.inputProps.onComplete(code);
          }}
          aria-describedby={step === 'code' && shownMessage ? messageId : undefined}
          // WebOTP only while the code is awaited (it withdraws its prompt when the step ends).
          webOtp={step === 'code'}
        />
        <Message
          id={step === 'code' ? messageId : undefined}
          text={step === 'code' ? shownMessage : ''}
          error={isError}
          status={status}
        />
        <div className="otpkit-actions">
          <div className="otpkit-stack" {...hidden(!action)}>
            <CountdownButton
              buttonRef={refs.action}
              className="otpkit-primary"
              type="button"
              until={action === 'newCode' ? otp.retryAt : null}
              busy={status === 'sending'}
              label={action === 'retry' ? m.tryAgain : m.sendNewCode}
              busyLabel={m.sending}
              waitLabel={m.retryIn}
              onClick={() => {
                if (action === 'retry') {
                  lastRoute.current = 'verify';
                  void otp.verify(lastCode.current);
                } else void send();
              }}
            />
          </div>
          <div className="otpkit-stack otpkit-help" {...hidden(!!action)}>
            <p className="otpkit-help-title">{m.didNotGetCode}</p>
            <div className="otpkit-help-actions">
              <ResendButton
                resendAt={otp.resendAt}
                retryAt={otp.retryAt}
                onResend={() => {
                  lastRoute.current = 'resend';
                  void otp.resend();
                }}
                disabled={isBusy(status)}
                messages={m}
                announce={false}
              />
              {channels.map((c) => (
                <ChannelButton
                  key={c}
                  until={Math.max(otp.resendAt ?? 0, otp.retryAt ?? 0)}
                  busy={isBusy(status)}
                  label={m.sendBy(c)}
                  onClick={() => {
                    lastRoute.current = 'resend';
                    void otp.resend({ channel: c });
                  }}
                />
              ))}
            </div>
            {/* One clock at a time: the expiry shows only while the resend button is not counting (styles.css). */}
            <ExpiryCountdown
              expiresAt={step === 'code' && !isFinished(status) ? otp.expiresAt : null}
              onExpire={otp.expire}
              messages={m}
              announce={false}
            />
          </div>
        </div>
      </StepPanel>

      <StepPanel active={step === 'done'} name="done">
        <div className="otpkit-done-icon" aria-hidden="true" />
        <h2 className="otpkit-title" tabIndex={-1} ref={refs.done}>
          {m.verifiedTitle}
        </h2>
        <p className="otpkit-done-text">
          <span aria-hidden="true">{m.verifiedTo(`\u2068${shown(sentTo)}\u2069`)}</span>
          <span style={visuallyHidden}>{m.verifiedTo(spoken(sentTo))}</span>
        </p>
      </StepPanel>

      {/* The one live region: what the status says, once per change, numbers spoken as digits. */}
      <p role="status" className="otpkit-sr-only" style={visuallyHidden}>
        {message}
      </p>
    </div>
  );
}

function focusTarget(
  focus: Focus | undefined,
  step: Step,
  refs: {
    field: RefObject<HTMLInputElement | null>;
    code: RefObject<HTMLInputElement | null>;
    action: RefObject<HTMLButtonElement | null>;
    title: Record<'entry' | 'code', RefObject<HTMLHeadingElement | null>>;
    done: RefObject<HTMLHeadingElement | null>;
  },
  fieldError: boolean,
): HTMLElement | null {
  if (step === 'entry' && fieldError) return refs.field.current;
  if (!focus) return null;
  if (focus === 'title') return (step === 'done' ? refs.done : refs.title[step === 'code' ? 'code' : 'entry']).current;
  return refs[focus].current;
}

/** One step of the card. All steps share one grid cell (the card is as tall as the tallest); the inactive ones
 * are hidden (visibility: no focus, no screen reader, no layout change). */
function StepPanel({ active, name, children }: { active: boolean; name: Step; children: ReactNode }) {
  return (
    <div className={`otpkit-step otpkit-step-${name}`} {...hidden(!active)}>
      {children}
    </div>
  );
}

/** Hidden but still taking its room (the card's height), out of the tab order and the accessibility tree. Inline,
 * so it holds without styles.css too. */
const hidden = (hide: boolean) =>
  hide ? { 'data-otpkit-hidden': '', style: { visibility: 'hidden' } as const } : { 'data-otpkit-hidden': undefined };

/** The message under the active field: its own id (the field's aria-describedby), reserved room (styles.css). */
function Message({
  id,
  text,
  error,
  status,
}: {
  id: string | undefined;
  text: string;
  error: boolean;
  status: string;
}) {
  return (
    <p id={id} className="otpkit-message" data-status={status} data-tone={text && error ? 'error' : undefined}>
      {text}
    </p>
  );
}

/**
 * A button that waits until `until` (epoch ms) with the time on its face, then works. Busy or waiting, it is
 * aria-disabled rather than disabled, so a keyboard user's focus stays on it (a disabled button drops focus to
 * <body>). Its own component, so the countdown re-renders only the button, not the flow.
 */
function CountdownButton({
  until,
  busy,
  label,
  busyLabel,
  waitLabel,
  className,
  type,
  onClick,
  buttonRef,
}: {
  until: number | null;
  busy: boolean;
  label: string;
  busyLabel: string;
  waitLabel: (time: string) => string;
  className: string;
  type: 'submit' | 'button';
  onClick?: () => void;
  /** (Not `ref`: React 18 does not pass a `ref` prop to a function component.) */
  buttonRef?: RefObject<HTMLButtonElement | null>;
}) {
  const left = useCountdown(until);
  const blocked = busy || left > 0;
  return (
    <button
      ref={buttonRef}
      type={type}
      className={className}
      aria-disabled={blocked || undefined}
      data-state={busy ? 'busy' : left ? 'waiting' : 'ready'}
      onClick={(event) => {
        if (blocked) event.preventDefault();
        else onClick?.();
      }}
    >
      {busy ? busyLabel : left ? waitLabel(formatTime(left)) : label}
    </button>
  );
}

/** "Send by WhatsApp" / "Call me instead": a new code by that channel, once a resend is allowed. */
function ChannelButton({
  until,
  busy,
  label,
  onClick,
}: {
  until: number;
  busy: boolean;
  label: string;
  onClick: () => void;
}) {
  const left = useCountdown(until);
  return (
    <button
      type="button"
      className="otpkit-channel"
      disabled={left > 0}
      aria-disabled={busy || undefined}
      onClick={busy ? undefined : onClick}
    >
      {label}
    </button>
  );
}
