import { describe, expect, it } from 'vitest';
import type { Category, Priority } from '../../api/types';
import {
  addFiles,
  defaultPriority,
  emptyDraft,
  formatSize,
  IdempotencyKeys,
  isNewTicketShortcut,
  maxFileBytes,
  serverErrors,
  subcategoriesOf,
  toRequest,
  topCategories,
  validateDraft,
  withCategory,
} from './form';
import type { Draft, KeyEventLike } from './form';

function cat(id: number, parent: number | null, position: number, active = true): Category {
  return {
    id,
    key: `c${id}`,
    name_es: `Cat ${id}`,
    name_en: `Cat ${id}`,
    parent_id: parent,
    description_es: `desc es ${id}`,
    description_en: `desc en ${id}`,
    position,
    active,
    version: 1,
    in_use: 0,
    role_ids: [],
    workflow_id: null,
  };
}

const categories: Category[] = [
  cat(1, null, 2),
  cat(2, null, 1),
  cat(3, null, 3, false), // inactive category
  cat(10, 1, 2),
  cat(11, 1, 1),
  cat(12, 1, 3, false), // inactive subcategory
  cat(20, 2, 1),
  cat(30, 3, 1), // active child of an inactive category
];

const staffDraft: Draft = {
  ...emptyDraft,
  channel: '4',
  category: '1',
  subject: 'Pedido no llegó',
  requester: { mode: 'existing', person: { id: 7, name: 'Ana', email: 'ana@example.com' } },
};

function file(name: string, size: number): File {
  // A File whose size is reported without allocating it.
  const f = new File(['x'], name, { lastModified: 1 });
  Object.defineProperty(f, 'size', { value: size });
  return f;
}

describe('new ticket: validation', () => {
  it('accepts a complete staff draft and a minimal customer draft', () => {
    expect(validateDraft(staffDraft, true)).toEqual({});
    expect(validateDraft({ ...emptyDraft, category: '1', subject: 'Hola' }, false)).toEqual({});
  });

  it('requires subject and category, and channel and requester for staff only', () => {
    expect(validateDraft(emptyDraft, true)).toEqual({
      subject: { key: 'required' },
      category: { key: 'required' },
      channel: { key: 'required' },
      requester: { key: 'requester' },
    });
    expect(validateDraft(emptyDraft, false)).toEqual({ subject: { key: 'required' }, category: { key: 'required' } });
    expect(validateDraft({ ...staffDraft, subject: '   ' }, true).subject).toEqual({ key: 'required' });
  });

  it('checks lengths as the server does', () => {
    expect(validateDraft({ ...staffDraft, subject: 'x'.repeat(301) }, true).subject).toEqual({ key: 'tooLong', params: { max: 300 } });
    expect(validateDraft({ ...staffDraft, subject: 'x'.repeat(300) }, true).subject).toBeUndefined();
    expect(validateDraft({ ...staffDraft, description: 'x'.repeat(50_001) }, true).description?.key).toBe('tooLong');
  });

  it('checks the order number pattern', () => {
    for (const ok of ['', 'PED-123', 'a1', 'x'.repeat(40)]) {
      expect(validateDraft({ ...staffDraft, order: ok }, true).order, ok).toBeUndefined();
    }
    for (const bad of ['PED 123', 'ñ1', 'x'.repeat(41), 'a/b']) {
      expect(validateDraft({ ...staffDraft, order: bad }, true).order, bad).toEqual({ key: 'order' });
    }
  });

  it('checks a new requester: name 1..120 and an email', () => {
    const d = (name: string, email: string): Draft => ({ ...staffDraft, requester: { mode: 'new', name, email } });
    expect(validateDraft(d('Ana', 'ana@example.com'), true)).toEqual({});
    expect(validateDraft(d('', ''), true)).toEqual({ requesterName: { key: 'required' }, requesterEmail: { key: 'required' } });
    expect(validateDraft(d('x'.repeat(121), 'ana@'), true)).toEqual({
      requesterName: { key: 'tooLong', params: { max: 120 } },
      requesterEmail: { key: 'email' },
    });
  });

  it('refuses files over 10 MiB, naming them', () => {
    const d = { ...staffDraft, files: [file('ok.pdf', maxFileBytes), file('big.zip', maxFileBytes + 1)] };
    expect(validateDraft(d, true).files).toEqual({ key: 'fileTooLarge', params: { names: 'big.zip', max: '10 MiB' } });
  });
});

describe('new ticket: request body', () => {
  it('sends what staff chose, trimmed, and leaves empty optional fields out', () => {
    expect(
      toRequest({ ...staffDraft, subcategory: '11', priority: '3', order: ' PED-9 ', description: 'Hola\nmundo', affected: { id: 8, name: 'B', email: 'b@x.co' } }, true),
    ).toEqual({
      subject: 'Pedido no llegó',
      category_id: 1,
      subcategory_id: 11,
      channel_id: 4,
      priority_id: 3,
      requester_id: 7,
      affected_id: 8,
      order_number: 'PED-9',
      description: 'Hola\nmundo',
    });
  });

  it('sends a new requester by name and email', () => {
    expect(toRequest({ ...staffDraft, requester: { mode: 'new', name: ' Ana ', email: ' ana@x.co ' } }, true).requester).toEqual({
      name: 'Ana',
      email: 'ana@x.co',
    });
  });

  it('leaves out channel, priority, requester and affected for customers', () => {
    const body = toRequest({ ...staffDraft, priority: '3', affected: { id: 8, name: 'B', email: 'b@x.co' } }, false);
    expect(body).toEqual({ subject: 'Pedido no llegó', category_id: 1 });
  });
});

describe('new ticket: server errors', () => {
  it('places field errors by their fields and keeps the rest apart', () => {
    expect(
      serverErrors({
        subject: 'muy largo',
        category_id: 'inactiva',
        subcategory_id: 'no pertenece',
        channel_id: 'requerido',
        'requester.email': 'correo inválido',
        requester_id: 'no existe',
        order_number: 'formato',
        affected_id: 'no existe',
        tags: 'demasiadas',
      }),
    ).toEqual({
      byField: {
        subject: 'muy largo',
        category: 'inactiva',
        subcategory: 'no pertenece',
        channel: 'requerido',
        requesterEmail: 'correo inválido',
        requester: 'no existe',
        order: 'formato',
        affected: 'no existe',
      },
      other: ['demasiadas'],
    });
  });
});

describe('new ticket: categories', () => {
  it('lists the active top-level categories in order', () => {
    expect(topCategories(categories).map((c) => c.id)).toEqual([2, 1]);
  });

  it('filters subcategories by the chosen category, active ones in order', () => {
    expect(subcategoriesOf(categories, '1').map((c) => c.id)).toEqual([11, 10]);
    expect(subcategoriesOf(categories, '2').map((c) => c.id)).toEqual([20]);
    expect(subcategoriesOf(categories, '')).toEqual([]);
    // An inactive category hides its subcategories.
    expect(subcategoriesOf(categories, '3')).toEqual([]);
    // A subcategory id is not a category.
    expect(subcategoriesOf(categories, '10')).toEqual([]);
  });

  it('drops a subcategory that does not belong to a newly chosen category', () => {
    const d = { ...emptyDraft, category: '1', subcategory: '10' };
    expect(withCategory(d, categories, '1').subcategory).toBe('10');
    expect(withCategory(d, categories, '2')).toMatchObject({ category: '2', subcategory: '' });
    expect(withCategory(d, categories, '')).toMatchObject({ category: '', subcategory: '' });
  });

  it('defaults the priority to the active `delegate` one', () => {
    const p = (id: number, key: string, active = true): Priority => ({
      id,
      key,
      name_es: key,
      name_en: key,
      important: false,
      urgent: false,
      position: id,
      color: '#000000',
      active,
      version: 1,
      in_use: 0,
    });
    expect(defaultPriority([p(1, 'do'), p(3, 'delegate')])).toBe(3);
    expect(defaultPriority([p(1, 'do'), p(3, 'delegate', false)])).toBeNull();
  });
});

describe('new ticket: helpers', () => {
  it('keeps one idempotency key per body: same on a retry, new when the form changed', () => {
    let n = 0;
    const keys = new IdempotencyKeys(() => `k${++n}`);
    expect(keys.keyFor('{"a":1}')).toBe('k1');
    expect(keys.keyFor('{"a":1}')).toBe('k1');
    expect(keys.keyFor('{"a":2}')).toBe('k2');
    expect(keys.keyFor('{"a":2}')).toBe('k2');
  });

  it('opens on `n` only when not typing and without modifiers', () => {
    const ev = (p: Partial<KeyEventLike>): KeyEventLike => ({
      key: 'n',
      ctrlKey: false,
      metaKey: false,
      altKey: false,
      repeat: false,
      defaultPrevented: false,
      target: { tagName: 'BODY' } as unknown as EventTarget,
      ...p,
    });
    expect(isNewTicketShortcut(ev({}))).toBe(true);
    expect(isNewTicketShortcut(ev({ key: 'N' }))).toBe(true);
    expect(isNewTicketShortcut(ev({ target: null }))).toBe(true);
    expect(isNewTicketShortcut(ev({ key: 'm' }))).toBe(false);
    expect(isNewTicketShortcut(ev({ ctrlKey: true }))).toBe(false);
    expect(isNewTicketShortcut(ev({ metaKey: true }))).toBe(false);
    expect(isNewTicketShortcut(ev({ repeat: true }))).toBe(false);
    expect(isNewTicketShortcut(ev({ defaultPrevented: true }))).toBe(false);
    for (const tagName of ['INPUT', 'TEXTAREA', 'SELECT', 'input']) {
      expect(isNewTicketShortcut(ev({ target: { tagName } as unknown as EventTarget })), tagName).toBe(false);
    }
    expect(isNewTicketShortcut(ev({ target: { tagName: 'DIV', isContentEditable: true } as unknown as EventTarget }))).toBe(false);
  });

  it('formats sizes', () => {
    expect(formatSize(512, 'en')).toBe('512 B');
    expect(formatSize(1536, 'en')).toBe('1.5 KiB');
    expect(formatSize(10 * 1024 * 1024, 'es')).toBe('10 MiB');
    expect(formatSize(1536, 'es')).toBe('1,5 KiB');
  });

  it('adds picked files once', () => {
    const a = file('a.txt', 3);
    const b = file('b.txt', 4);
    expect(addFiles([a], [a, b]).map((f) => f.name)).toEqual(['a.txt', 'b.txt']);
  });
});
