/** English labels of `<gag-board>` (the supervisor's board); the connection's states and errors are `<gag-phone>`'s (en.ts). */
export const boardEn = {
  board: 'Supervisor board',
  agents: 'Agents',
  queues: 'Queues',
  calls: 'Calls in progress',
  agent: 'Agent',
  status: 'Status',
  time: 'Time',
  groups: 'Groups',
  caller: 'Caller',
  waiting: 'Waiting',
  actions: 'Actions',
  direct: 'Direct calls',
  noAgents: 'No agents to show.',
  noQueue: 'No calls waiting.',
  noCalls: 'No calls in progress.',
  unknownCaller: 'Unknown caller',
  /** One agent's presence. */
  presence: {
    offline: 'Offline',
    idle: 'Available',
    ringing: 'Ringing',
    talking: 'Talking',
  },
  /** The buttons of a talking call; each also names the call for screen readers ({who}). */
  modes: {
    listen: 'Listen',
    whisper: 'Whisper',
    barge: 'Barge',
  },
  /** What each mode does, for the mode buttons' descriptions. */
  modeHints: {
    listen: 'Hear the call; nobody hears you',
    whisper: 'Speak to the agent only',
    barge: 'Speak to the agent and the caller',
  },
  leave: 'Leave',
  /** The supervisor's own state, shown and announced politely. */
  now: {
    listen: 'Listening to {who}',
    whisper: 'Whispering to {who}',
    barge: 'In the call with {who}',
    left: 'Left the call with {who}',
    ended: 'The call with {who} ended',
  },
  supervisors: 'Supervised: {names}',
  waitingCount: '{count} waiting',
  /** A refused request (`supervisor_refused.code`), and what to do. */
  refused: {
    not_supervisor: 'This sign-in is not a supervisor\'s. Administrator: mint the token with gag_role "supervisor" and give the extension a scope in "supervisors" of goastgateway.json.',
    not_allowed: 'This call is outside the agents and groups you may supervise.',
    no_such_call: 'This call has ended.',
    not_talking: 'This call has not been answered yet. Try again once it is.',
    busy: 'The call cannot be joined now: you are in a call of your own, or it has as many supervisors as it may have.',
  },
  micNeeded: 'Joining a call needs the microphone and the speakers. Allow the microphone for this site, then try again.',
} as const;

/** The shape every language of the board provides. */
export type BoardLabels = {
  readonly [K in keyof typeof boardEn]: (typeof boardEn)[K] extends string ? string : { readonly [J in keyof (typeof boardEn)[K]]: string };
};
