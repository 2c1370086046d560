// API shapes of issue 5's queues, automation rules, macros and notifications (FQ), written by hand from
// /work/issue5-api.md while the backends land. They move to generated aliases in types.ts (from
// shared/api/openapi.yaml) once the OpenAPI paths exist; keep them exactly as the contract says.
import type { Card, Queue, TicketDetail, UserRef } from './types';

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
