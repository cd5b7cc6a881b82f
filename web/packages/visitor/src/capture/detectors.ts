/**
 * Pattern detectors: find card numbers and US social security numbers in free text and replace
 * them with the placeholder. They are a safety net behind the masking rules, not a substitute.
 */

export const PLACEHOLDER = "\u2022\u2022\u2022\u2022\u2022\u2022";

export interface DetectorSwitches {
  cardNumbers: boolean;
  usSsn: boolean;
}

/** ddd-dd-dddd not glued to other digits; group 1 is the character before it. */
const SSN = /(^|\D)\d{3}-\d{2}-\d{4}(?!\d)/g;
/** Digits with at most one space or dash between any two. */
const DIGIT_RUN = /\d(?:[ -]?\d)*/g;
const DIGIT_GROUP = /\d+/g;
const MIN_CARD_DIGITS = 13;
const MAX_CARD_DIGITS = 19;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i -= 1) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) {
      return false;
    }
    if (double) {
      d *= 2;
      if (d > 9) {
        d -= 9;
      }
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

interface Group {
  start: number;
  end: number;
  digits: string;
}

/**
 * Masks the card numbers inside one run of digits. A card number spans whole groups of the run
 * (the digits between separators), so "4111 1111 1111 1111 5" still gives up its first 16 digits.
 */
function maskCardsInRun(run: string): string {
  const groups: Group[] = [];
  for (const match of run.matchAll(DIGIT_GROUP)) {
    const start = match.index ?? 0;
    groups.push({ start, end: start + match[0].length, digits: match[0] });
  }
  const total = groups.reduce((n, g) => n + g.digits.length, 0);
  if (total < MIN_CARD_DIGITS) {
    return run;
  }
  const spans: Array<[number, number]> = [];
  let i = 0;
  while (i < groups.length) {
    let found = -1;
    let digits = "";
    for (let j = i; j < groups.length; j += 1) {
      digits += (groups[j] as Group).digits;
      if (digits.length > MAX_CARD_DIGITS) {
        break;
      }
      if (digits.length >= MIN_CARD_DIGITS && luhnValid(digits)) {
        found = j;
      }
    }
    if (found >= 0) {
      spans.push([(groups[i] as Group).start, (groups[found] as Group).end]);
      i = found + 1;
    } else {
      i += 1;
    }
  }
  if (spans.length === 0) {
    return run;
  }
  let out = "";
  let at = 0;
  for (const [start, end] of spans) {
    out += run.slice(at, start) + PLACEHOLDER;
    at = end;
  }
  return out + run.slice(at);
}

/** Replaces every detected card number and SSN in `text` with the placeholder. */
export function scrubText(text: string, switches: DetectorSwitches): string {
  if (text.length < 11 || !/\d/.test(text)) {
    return text;
  }
  let out = text;
  if (switches.usSsn) {
    out = out.replace(SSN, (_match, before: string) => before + PLACEHOLDER);
  }
  if (switches.cardNumbers) {
    out = out.replace(DIGIT_RUN, maskCardsInRun);
  }
  return out;
}
