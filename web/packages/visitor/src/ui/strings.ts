/**
 * Every word the tag shows or announces to the visitor, in one table: English and German built in,
 * picked by `Tandem.start({locale})` or else the page's `<html lang>`, with the brand's own strings
 * (`Tandem.start({strings})`) on top. `{name}` and `{what}` are filled in; everything is set as text,
 * never as HTML.
 */
export interface TandemStrings {
  /** The invite's consent prompt. */
  consentTitle: string;
  /** The agent's request to move from view-only to shared control. */
  modeRequestTitle: string;
  /** The agent's request to follow the visitor across the site's tabs, and what it means. */
  followTitle: string;
  followText: string;
  /** The session frame while the agent follows across tabs, and its button that stops it. */
  frameFollowing: string;
  stopFollowing: string;
  modeViewOnly: string;
  modeShared: string;
  viewOnlyText: string;
  sharedText: string;
  privacyNote: string;
  accept: string;
  decline: string;
  /** The session frame's badge, before and after the agent's name is known. */
  frameLabel: string;
  frameLabelNamed: string;
  endLabel: string;
  /** The agent's pointer until its name is known. */
  agentLabel: string;
  /** Announced in the polite ARIA live region. */
  saidShared: string;
  saidViewOnly: string;
  saidRefused: string;
  saidClicked: string;
  saidTyped: string;
  saidChose: string;
  saidTicked: string;
  saidUnticked: string;
  saidBack: string;
  saidReload: string;
  saidNavigate: string;
  saidFollowing: string;
  saidFollowStopped: string;
}

export const STRING_KEYS = [
  "consentTitle", "modeRequestTitle", "modeViewOnly", "modeShared", "viewOnlyText", "sharedText", "privacyNote",
  "accept", "decline", "frameLabel", "frameLabelNamed", "endLabel", "agentLabel", "saidShared", "saidViewOnly",
  "saidRefused", "saidClicked", "saidTyped", "saidChose", "saidTicked", "saidUnticked", "saidBack", "saidReload",
  "saidNavigate", "followTitle", "followText", "frameFollowing", "stopFollowing", "saidFollowing", "saidFollowStopped",
] as const satisfies readonly (keyof TandemStrings)[];

const EN: TandemStrings = {
  consentTitle: "Co-browse with your agent?",
  modeRequestTitle: "Let your agent click and type for you?",
  followTitle: "Let your agent follow you to your other tabs?",
  followText: "Your agent will see whichever tab of this site you are on, not only this one. Other sites stay private, and you can stop it at any time.",
  frameFollowing: "Follows your tabs",
  stopFollowing: "Stop following",
  modeViewOnly: "View only",
  modeShared: "Shared control",
  viewOnlyText: "Your agent will see this page as you see it, and can point at things. They cannot click or type for you.",
  sharedText: "Your agent will see this page as you see it, and can click and type on it to help you.",
  privacyNote: "Passwords, card numbers and fields the site marks as private stay hidden. You can stop at any time.",
  accept: "Accept",
  decline: "Decline",
  frameLabel: "Co-browsing with your agent",
  frameLabelNamed: "Co-browsing with {name}",
  endLabel: "End co-browsing",
  agentLabel: "Agent",
  saidShared: "Your agent can now click and type on this page.",
  saidViewOnly: "Your agent can now only watch and point.",
  saidRefused: "Your agent tried something only you can do; it was not done.",
  saidClicked: "Your agent clicked \u201c{what}\u201d.",
  saidTyped: "Your agent typed in \u201c{what}\u201d.",
  saidChose: "Your agent chose \u201c{what}\u201d.",
  saidTicked: "Your agent ticked \u201c{what}\u201d.",
  saidUnticked: "Your agent unticked \u201c{what}\u201d.",
  saidBack: "Your agent went back a page.",
  saidReload: "Your agent reloaded the page.",
  saidNavigate: "Your agent is opening another page.",
  saidFollowing: "Your agent now follows you to your other tabs of this site.",
  saidFollowStopped: "Your agent sees only this tab again.",
};

const DE: TandemStrings = {
  consentTitle: "Gemeinsam mit Ihrem Berater browsen?",
  modeRequestTitle: "Darf Ihr Berater f\u00fcr Sie klicken und tippen?",
  followTitle: "Darf Ihr Berater Ihnen in Ihre anderen Tabs folgen?",
  followText: "Ihr Berater sieht den Tab dieser Website, in dem Sie gerade sind, nicht nur diesen. Andere Websites bleiben privat, und Sie k\u00f6nnen das jederzeit beenden.",
  frameFollowing: "Folgt Ihren Tabs",
  stopFollowing: "Nicht mehr folgen",
  modeViewOnly: "Nur ansehen",
  modeShared: "Gemeinsame Steuerung",
  viewOnlyText: "Ihr Berater sieht diese Seite so wie Sie und kann auf Dinge zeigen. Er kann nicht f\u00fcr Sie klicken oder tippen.",
  sharedText: "Ihr Berater sieht diese Seite so wie Sie und kann darauf klicken und tippen, um Ihnen zu helfen.",
  privacyNote: "Passw\u00f6rter, Kartennummern und Felder, die die Website als privat kennzeichnet, bleiben verborgen. Sie k\u00f6nnen jederzeit beenden.",
  accept: "Annehmen",
  decline: "Ablehnen",
  frameLabel: "Gemeinsames Browsen mit Ihrem Berater",
  frameLabelNamed: "Gemeinsames Browsen mit {name}",
  endLabel: "Gemeinsames Browsen beenden",
  agentLabel: "Berater",
  saidShared: "Ihr Berater kann jetzt auf dieser Seite klicken und tippen.",
  saidViewOnly: "Ihr Berater kann jetzt nur noch zusehen und zeigen.",
  saidRefused: "Ihr Berater hat etwas versucht, das nur Sie tun k\u00f6nnen; es wurde nicht ausgef\u00fchrt.",
  saidClicked: "Ihr Berater hat auf \u201e{what}\u201c geklickt.",
  saidTyped: "Ihr Berater hat in \u201e{what}\u201c getippt.",
  saidChose: "Ihr Berater hat \u201e{what}\u201c gew\u00e4hlt.",
  saidTicked: "Ihr Berater hat \u201e{what}\u201c angekreuzt.",
  saidUnticked: "Ihr Berater hat das Kreuz bei \u201e{what}\u201c entfernt.",
  saidBack: "Ihr Berater ist eine Seite zur\u00fcckgegangen.",
  saidReload: "Ihr Berater hat die Seite neu geladen.",
  saidNavigate: "Ihr Berater \u00f6ffnet eine andere Seite.",
  saidFollowing: "Ihr Berater folgt Ihnen jetzt in Ihre anderen Tabs dieser Website.",
  saidFollowStopped: "Ihr Berater sieht wieder nur diesen Tab.",
};

/** The built-in languages, by primary language subtag. */
export const BUILT_IN: Readonly<Record<string, TandemStrings>> = { en: EN, de: DE };

/** The built-in table for a BCP 47 tag (`de`, `de-AT`, `DE_ch`), or undefined. */
function builtIn(locale: string | undefined | null): TandemStrings | undefined {
  if (typeof locale !== "string") {
    return undefined;
  }
  const primary = locale.trim().toLowerCase().split(/[-_]/)[0] ?? "";
  return Object.prototype.hasOwnProperty.call(BUILT_IN, primary) ? BUILT_IN[primary] : undefined;
}

/**
 * The strings to use: the brand's `strings` over the built-in table of `locale`, else of the page's
 * `<html lang>`, else English. Keys that are not strings are ignored.
 */
export function resolveStrings(doc: Document, locale?: string, overrides?: Partial<TandemStrings>): TandemStrings {
  const base = builtIn(locale) ?? builtIn(doc.documentElement.getAttribute("lang")) ?? EN;
  const strings: TandemStrings = { ...base };
  if (overrides !== undefined) {
    for (const key of STRING_KEYS) {
      const value = overrides[key];
      if (typeof value === "string" && value.trim() !== "") {
        strings[key] = value;
      }
    }
  }
  return strings;
}

/** Fills `{name}`-style placeholders (as text). */
export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}
