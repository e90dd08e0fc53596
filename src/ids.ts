/** Every Slack identifier the app registers, in one place (manifest tests read these too). */

export const COMMAND = '/ai-roi';

export const ACTIONS = {
  classifyProductive: 'classify_productive',
  classifyExploratory: 'classify_exploratory',
  classifyWasteful: 'classify_wasteful',
  sessionOverflow: 'session_overflow',
  /** "Note / issue…" button on App Home queue items: opens the classify modal like the overflow's note option. */
  openNote: 'open_note',
  undoClassification: 'undo_classification',
  bulkClassify: 'bulk_classify',
  /** One button per class on a group of listed sessions (e.g. those below the cost floor). */
  bulkClassifyProductive: 'bulk_classify_productive',
  bulkClassifyExploratory: 'bulk_classify_exploratory',
  bulkClassifyWasteful: 'bulk_classify_wasteful',
  openQueue: 'open_queue',
  setPromptMode: 'set_prompt_mode',
  pageNext: 'page_next',
} as const;

export const VIEWS = {
  classifyModal: 'classify_modal',
  queueModal: 'queue_modal',
} as const;

/** block_id / action_id pairs inside the classify modal, read back on view_submission. */
export const MODAL_FIELDS = {
  classBlock: 'class_block',
  classInput: 'class_input',
  noteBlock: 'note_block',
  noteInput: 'note_input',
  issueBlock: 'issue_block',
  issueInput: 'issue_input',
} as const;

export const EVENTS = {
  appHomeOpened: 'app_home_opened',
} as const;
