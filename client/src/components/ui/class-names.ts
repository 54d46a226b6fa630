/** Joins truthy class names; keeps the primitives free of a styling dependency. */
export function cx(...names: (string | false | null | undefined)[]): string {
  return names.filter(Boolean).join(' ');
}
