/** A LIKE pattern matching `term` anywhere, with the user's own % _ \ taken literally. */
export const containsPattern = (term: string) => `%${term.replace(/[%_\\]/g, '\\$&')}%`;
