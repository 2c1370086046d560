// Issue 5 [workflows] (FW): the API shapes of workflows, workflow versions, ticket transitions, workflow
// metrics and credit requests, written by hand from /work/issue5-api.md section 1. They move to the
// generated types (shared/ts/api.gen.ts, aliased in ./types.ts) once the OpenAPI of the workflow
// backend lands; until then they mirror the contract exactly.
import type { BoardQuery, Card, Queue, TicketDetail, TicketRef, UserRef } from './types';

/** WorkflowState is one state of a definition: a status, drawn at (x, y). */
export interface WorkflowState {
  status_id: number;
  start: boolean;
  final: boolean;
  /** limit_minutes: null or 1…525600. */
  limit_minutes: number | null;
  x: number;
  y: number;
}

/** TransitionFieldKey is one of the fixed inputs a transition may ask for. */
export type TransitionFieldKey =
  | 'priority_id'
  | 'queue_id'
  | 'assignee_id'
  | 'category_id'
  | 'subcategory_id'
  | 'due_at'
  | 'order_number'
  | 'amount'
  | 'note_reason_id'
  | 'credit_limit'
  | 'credit_type'
  | 'reason';

export interface TransitionField {
  key: TransitionFieldKey;
  required: boolean;
}

export type SetFieldName = 'priority_id' | 'queue_id' | 'assignee_id' | 'tags_add' | 'allowed_roles';
export type NotifyTarget = 'requester' | 'assignee' | 'queue_supervisors';
export type DomainAction = 'credit_note' | 'backorder' | 'credit_limit';

export type WorkflowAction =
  | { kind: 'domain'; action: DomainAction }
  | { kind: 'set_field'; field: SetFieldName; value: unknown }
  | { kind: 'notify'; to: NotifyTarget };

export interface WorkflowTransition {
  key: string;
  name_es: string;
  name_en: string;
  from: number[];
  to: number;
  /** roles and perms empty: anyone who may move tickets. */
  roles: number[];
  perms: string[];
  fields: TransitionField[];
  comment_required: boolean;
  confirm: boolean;
  actions: WorkflowAction[];
}

export interface WorkflowDefinition {
  states: WorkflowState[];
  transitions: WorkflowTransition[];
}

/** Workflow is an entry of GET /workflows. */
export interface Workflow {
  id: number;
  key: string;
  name_es: string;
  name_en: string;
  description_es: string;
  description_en: string;
  builtin: boolean;
  active: boolean;
  version: number;
  current_version_id: number;
  category_ids: number[];
  definition: WorkflowDefinition;
}

export interface NewWorkflow {
  key: string;
  name_es: string;
  name_en: string;
  description_es: string;
  description_en: string;
  definition: WorkflowDefinition;
}

export interface WorkflowUpdate {
  name_es: string;
  name_en: string;
  description_es: string;
  description_en: string;
  active: boolean;
  definition: WorkflowDefinition;
  version: number;
}

export interface WorkflowCategories {
  category_ids: number[];
  version: number;
}

/** WorkflowVersion is GET /workflow-versions/{id}: immutable, cached forever. */
export interface WorkflowVersion {
  id: number;
  workflow_id: number;
  number: number;
  definition: WorkflowDefinition;
  workflow_key: string;
  name_es: string;
  name_en: string;
}

/** TicketTransition is one entry of GET /tickets/{id}/transitions. */
export interface TicketTransition {
  key: string;
  name: string;
  to_status_id: number;
  allowed: boolean;
  reason: string | null;
  fields: TransitionField[];
  comment_required: boolean;
  confirm: boolean;
}

/** Money is an amount as a decimal string with its currency. */
export interface Money {
  amount: string;
  currency: string;
}

export type TransitionFieldValue = Money | number | string | null;

export interface TransitionRequest {
  transition: string;
  version: number;
  fields: Partial<Record<TransitionFieldKey, TransitionFieldValue>>;
  comment: string;
  after_id?: number | null;
}

export interface WorkflowMetrics {
  states: { status_id: number; count: number; avg_seconds: number; p90_seconds: number }[];
  transitions: { key: string; name_es: string; name_en: string; count: number }[];
  over_limit: {
    count: number;
    items: { ticket: Pick<TicketRef, 'id' | 'number' | 'subject'>; status_id: number; since: string; limit_minutes: number }[];
  };
}

export interface CreditRequest {
  person_id?: number;
  amount: Money;
  reason: string;
}

/** BoardQueryWithWorkflow is GET /board's query with the workflow filter of issue 5. */
export type BoardQueryWithWorkflow = BoardQuery & { workflow_id?: number };

// API shapes of issue 5's queues, automation rules, macros and notifications (FQ), written by hand from
// /work/issue5-api.md while the backends land. They move to generated aliases in types.ts (from
// shared/api/openapi.yaml) once the OpenAPI paths exist; keep them exactly as the contract says.

// Queues and assignment (contract §2).

/** AssignmentMode is how a queue hands out its new tickets. */
export type AssignmentMode = 'manual' | 'round_robin' | 'least_loaded';

/** QueueSettings are the queue catalog entry's assignment fields. */
export interface QueueSettings {
  member_ids: number[];
  assignment: AssignmentMode;
  max_per_agent: number | null;
}

/** QueueEntry is a queue catalog entry with its assignment settings. */
export type QueueEntry = Queue & Partial<QueueSettings>;

/** QueueOp is one of the operations of POST /tickets/{id}/queue-ops. */
export type QueueOp = 'accept' | 'dispatch' | 'transfer' | 'escalate' | 'reject' | 'assign' | 'yank';

export interface QueueOpRequest {
  op: QueueOp;
  version: number;
  queue_id?: number;
  assignee_id?: number;
  reason?: string;
}

export type QueueOpResult = TicketDetail;

export interface WorkQueue {
  queue_id: number;
  waiting: number;
  items: Card[];
}

export interface WorkMember {
  queue_id: number;
  user: UserRef;
  online: boolean;
  open: number;
}

/** Work is GET /queues/work. */
export interface Work {
  wip: Card[];
  queues: WorkQueue[];
  members: WorkMember[];
}

export interface DefaultManager {
  id?: number;
  category_id: number | null;
  queue_id: number | null;
  user_id: number;
}

export interface DefaultManagerList {
  items: DefaultManager[];
}

// Automation rules, macros, notifications (contract §3).

export type ConditionField =
  | 'subject'
  | 'description'
  | 'channel_id'
  | 'category_id'
  | 'subcategory_id'
  | 'priority_id'
  | 'queue_id'
  | 'status_id'
  | 'assignee_id'
  | 'tags'
  | 'minutes_in_state'
  | 'changed';

export type ConditionOp = 'contains' | 'not_contains' | 'eq' | 'neq' | 'in' | 'not_in' | 'is_empty' | 'gt' | 'lt';

export interface RuleCondition {
  field: ConditionField;
  op: ConditionOp;
  value: unknown;
}

export type ActionKind =
  | 'set_priority'
  | 'set_queue'
  | 'set_assignee'
  | 'set_status'
  | 'add_tag'
  | 'remove_tag'
  | 'set_allowed_roles'
  | 'add_note'
  | 'notify';

export interface NotifyValue {
  /** to: requester | assignee | queue_supervisors | user:<id>. */
  to: string;
  text_es: string;
  text_en: string;
}

export interface RuleAction {
  kind: ActionKind;
  value: unknown;
}

export type RuleMatch = 'all' | 'any';

export interface AutomationRule {
  id: number;
  name: string;
  position: number;
  active: boolean;
  on_create: boolean;
  on_update: boolean;
  match: RuleMatch;
  conditions: RuleCondition[];
  actions: RuleAction[];
  version: number;
  created_at: string;
  updated_at: string;
}

export interface AutomationRuleInput {
  name: string;
  active: boolean;
  on_create: boolean;
  on_update: boolean;
  match: RuleMatch;
  conditions: RuleCondition[];
  actions: RuleAction[];
  /** version: on PUT only. */
  version?: number;
}

export interface Macro {
  id: number;
  name: string;
  description: string;
  canned_id: number | null;
  reply: string;
  actions: RuleAction[];
  active: boolean;
  version: number;
  position: number;
}

export interface MacroInput {
  name: string;
  description: string;
  canned_id: number | null;
  reply: string;
  actions: RuleAction[];
  active: boolean;
  version?: number;
}

export interface MacroResult {
  ticket_id: number;
  ok: boolean;
  error?: string;
  ticket?: Card;
}

export interface MacroApplyResponse {
  results: MacroResult[];
}

export interface Notification {
  id: number;
  user_id?: number;
  ticket_id: number | null;
  kind: string;
  title: { es: string; en: string };
  created_at: string;
  read_at: string | null;
}

export interface NotificationList {
  items: Notification[];
  unread: number;
  /** has_more: an older page exists. */
  has_more?: boolean;
}

export type NotificationsRead = { ids: number[] } | { all: true };
