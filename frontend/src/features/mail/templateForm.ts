// The template editor's logic: its draft per language, client checks, the server's field paths, and
// inserting a {{variable}} where the cursor is.
import type { Errors } from '../automation/ruleForm';
import type { Localized, MailLang, MailTemplate, MailTemplateUpdate } from '../../api/issue6-mail';

export const mailLangs: readonly MailLang[] = ['es', 'en'];
export const maxSubject = 250;
export const maxBody = 20000;

export interface TemplateDraft {
  subject: Localized;
  body: Localized;
}

export function templateDraft(t: MailTemplate): TemplateDraft {
  return { subject: { ...t.subject }, body: { ...t.body } };
}

/** validateTemplate returns, by path (`subject.es`, `body.en`…), the keys under automation.errors. */
export function validateTemplate(d: TemplateDraft): Errors {
  const e: Errors = {};
  for (const l of mailLangs) {
    if (d.subject[l].trim() === '') e[`subject.${l}`] = 'required';
    else if ([...d.subject[l]].length > maxSubject) e[`subject.${l}`] = 'tooLong';
    if (d.body[l].trim() === '') e[`body.${l}`] = 'required';
    else if ([...d.body[l]].length > maxBody) e[`body.${l}`] = 'tooLong';
  }
  return e;
}

export function templateBody(d: TemplateDraft, version: number): MailTemplateUpdate {
  return { subject: { es: d.subject.es.trim(), en: d.subject.en.trim() }, body: { es: d.body.es, en: d.body.en }, version };
}

/** templatePath says whether a server error path names an input of the editor. */
export function templatePath(path: string): boolean {
  return /^(subject|body)(\.(es|en))?$/.test(path);
}

/** firstErrorLang is the language tab holding the first error, so the editor can open it. */
export function firstErrorLang(paths: readonly string[]): MailLang | null {
  for (const p of paths) {
    const m = /\.(es|en)$/.exec(p);
    if (m) return m[1] as MailLang;
  }
  return null;
}

/** variableToken is how a variable is written in a template. */
export function variableToken(name: string): string {
  return `{{${name}}}`;
}

/** insertAt puts text in place of the selection [start, end) of value and returns the new value and
 * where the cursor goes (just after the inserted text). Out-of-range positions insert at the end. */
export function insertAt(value: string, start: number | null, end: number | null, text: string): { value: string; cursor: number } {
  const len = value.length;
  const s = start === null || start < 0 || start > len ? len : start;
  const e = end === null || end < s || end > len ? s : end;
  return { value: value.slice(0, s) + text + value.slice(e), cursor: s + text.length };
}

/** unknownVariables lists the {{names}} a text uses that the template does not offer. */
export function unknownVariables(text: string, allowed: readonly string[]): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(/\{\{\s*([^{}\s]+)\s*\}\}/g)) {
    const name = m[1] as string;
    if (!allowed.includes(name)) out.add(name);
  }
  return [...out];
}
