import type { Labels } from './en.js';

/** 日本語ラベル. */
export const ja: Labels = {
  offline: 'オフライン',
  connecting: '接続中…',
  reconnecting: '再接続中…',
  group: '{group} 経由',
  online: '待受中',
  ringing: '着信中',
  talking: '通話中',
  unknownCaller: '番号非通知',
  answer: '応答',
  reject: '拒否',
  hangup: '切断',
  mute: 'ミュート',
  unmute: 'ミュート解除',
  connect: '接続',
  ended: {
    hangup: '通話を終了しました',
    remote_hangup: '相手が切断しました',
    caller_hangup: '発信者が切断しました',
    rejected: '着信を拒否しました',
    answered_elsewhere: '他の端末で応答されました',
    timeout: '不在着信',
    connection_lost: '接続が切れました',
    failed: '通話に失敗しました',
  },
  errors: {
    GAG_TOKEN_INVALID: 'ログインが拒否されました。トークンが無効か期限切れです。ページを再読み込みするか、再ログインしてください。',
    GAG_NOT_CONNECTED: '電話サーバに接続できません。サーバのアドレスと、このページが許可されているか (allowed_origins) を確認してください。',
    GAG_MEDIA: 'マイクが使えません。アドレスバーのアイコンからこのサイトにマイクを許可して、もう一度お試しください。',
    other: 'エラーが発生しました。ページを再読み込みしてください。',
  },
};
