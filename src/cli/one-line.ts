/** `text` on one line: messages on stderr are one line each, whatever produced them. */
export function oneLine(text: string): string {
  return text.trim().replace(/\s*\n\s*/g, " ");
}
