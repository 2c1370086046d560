import { describe, expect, it } from 'vitest';
import type { TicketTransition } from '../../api/issue5';
import { emptyForm, requestBody, serverErrors, transitionFromDefinition, validateForm } from './transitionForm';
import { creditNote } from './testing';

const accept: TicketTransition = transitionFromDefinition(creditNote().transitions[1]!, 'en');

describe('transition dialog form', () => {
  it('names the transition in the language on screen', () => {
    expect(accept.name).toBe('Accept note');
    expect(transitionFromDefinition(creditNote().transitions[1]!, 'es').name).toBe('Aceptar nota');
  });
  it('requires the required fields, a valid amount and the confirmation', () => {
    const v = emptyForm();
    expect(Object.keys(validateForm(accept, v)).sort()).toEqual(['confirm', 'fields.amount', 'fields.note_reason_id']);
    v.fields = { amount: '12,5', note_reason_id: '3' };
    v.confirmed = true;
    expect(validateForm(accept, v)).toEqual({ 'fields.amount': { key: 'money' } });
    v.fields.amount = '125000.50';
    expect(validateForm(accept, v)).toEqual({});
    v.fields.reason = 'x'.repeat(2001);
    expect(validateForm(accept, v)['fields.reason']?.key).toBe('tooLong');
  });
  it('requires a comment when the transition does', () => {
    const reject = transitionFromDefinition(creditNote().transitions[2]!, 'es');
    expect(validateForm(reject, emptyForm())).toEqual({ comment: { key: 'commentRequired' } });
    expect(validateForm(reject, { ...emptyForm(), comment: 'No aplica' })).toEqual({});
  });
  it('builds the request: money with currency, ids as numbers, empty optional fields left out', () => {
    const v = { ...emptyForm(), fields: { amount: '125000.50', note_reason_id: '3', reason: ' ' }, currency: {}, comment: ' ok ', confirmed: true };
    expect(requestBody(accept, v, 7, 12)).toEqual({
      transition: 'accept_note',
      version: 7,
      fields: { amount: { amount: '125000.50', currency: 'COP' }, note_reason_id: 3 },
      comment: 'ok',
      after_id: 12,
    });
    expect(requestBody(accept, { ...v, currency: { amount: 'USD' } }, 7).fields.amount).toEqual({ amount: '125000.50', currency: 'USD' });
    expect('after_id' in requestBody(accept, v, 7)).toBe(false);
  });
  it('maps the server’s 422 paths to the inputs', () => {
    expect(serverErrors({ 'fields.amount': 'Too much.', comment: 'Needed.', 'fields.queue_id': 'Nope.', transition: 'Not from here.' }, accept)).toEqual({
      errors: { 'fields.amount': { message: 'Too much.' }, comment: { message: 'Needed.' } },
      other: ['Nope.', 'Not from here.'],
    });
    expect(serverErrors({ 'fields.amount.currency': 'Bad currency.' }, accept).errors).toEqual({ 'fields.amount': { message: 'Bad currency.' } });
  });
});
