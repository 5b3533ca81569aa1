/** English labels of `<gag-phone>`. */
export const en = {
  offline: 'Offline',
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting…',
  group: 'via {group}',
  online: 'Ready',
  ringing: 'Incoming call',
  talking: 'In call',
  unknownCaller: 'Unknown caller',
  answer: 'Answer',
  reject: 'Reject',
  hangup: 'Hang up',
  mute: 'Mute',
  unmute: 'Unmute',
  connect: 'Connect',
  call: 'Call',
  dialPlaceholder: 'Number to call',
  calling: 'Calling {number}',
  enableSound: 'Enable sound',
  dialErrors: {
    not_enabled: 'Calling out is not enabled on this phone server.',
    number_not_allowed: 'This number cannot be called from here.',
    rate_limited: 'Too many calls in a short time. Wait a moment and try again.',
    asterisk_unreachable: 'The phone system cannot be reached. Try again shortly.',
    asterisk_login_failed: 'The phone server cannot log in to the phone system. Tell your administrator.',
    originate_failed: 'The call could not be started.',
    timeout: 'The phone server did not answer. Try again.',
  },
  ended: {
    hangup: 'Call ended',
    remote_hangup: 'The other party hung up',
    caller_hangup: 'The caller hung up',
    rejected: 'Call rejected',
    answered_elsewhere: 'Answered on another device',
    timeout: 'Missed call',
    connection_lost: 'Connection lost',
    failed: 'Call failed',
  },
  errors: {
    GAG_TOKEN_INVALID: 'Sign-in refused: the token is invalid or expired. Reload the page or sign in again.',
    GAG_NOT_CONNECTED: 'Cannot reach the phone server. Check the server address and that this page is allowed (allowed_origins).',
    GAG_MEDIA: 'Microphone unavailable. Allow the microphone for this site (the icon in the address bar) and try again.',
    other: 'Something went wrong. Reload the page to try again.',
  },
} as const;

/** The shape every language provides. */
export type Labels = { readonly [K in keyof typeof en]: (typeof en)[K] extends string ? string : { readonly [J in keyof (typeof en)[K]]: string } };
