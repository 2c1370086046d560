// Priority naming schemes (PUT /catalog/priority-scheme): the four names each gives, most urgent first,
// as the server sets them. `custom` keeps the names as edited.
import type { PrioritySchemeName } from '../../api/types';

type Names = readonly [string, string, string, string];

/** schemeNames are the names a scheme gives the four priorities, per language. */
export const schemeNames: Record<Exclude<PrioritySchemeName, 'custom'>, { es: Names; en: Names }> = {
  eisenhower: { es: ['DO', 'DECIDE', 'DELEGATE', 'DELETE'], en: ['DO', 'DECIDE', 'DELEGATE', 'DELETE'] },
  altisima: { es: ['Altísima', 'Alta', 'Media', 'Baja'], en: ['Critical', 'High', 'Medium', 'Low'] },
  bajisima: { es: ['Alta', 'Media', 'Baja', 'Bajísima'], en: ['High', 'Medium', 'Low', 'Lowest'] },
};

/** schemes lists the choices in the selector's order. */
export const schemes: readonly PrioritySchemeName[] = ['eisenhower', 'altisima', 'bajisima', 'custom'];

/** schemeLabel names a scheme by its four names in the language on screen ("Altísima / Alta / Media /
 * Baja"); `custom` takes the translated word given. */
export function schemeLabel(scheme: PrioritySchemeName, lang: string, custom: string): string {
  if (scheme === 'custom') return custom;
  return schemeNames[scheme][lang === 'en' ? 'en' : 'es'].join(' / ');
}
