/**
 * The Tandem admin page: signs an admin in (authorization code + PKCE, the console's OIDC client),
 * edits a site's rules, appearance, modes and origins with the service's validation shown next to
 * what caused it, saves with If-Match, lists and restores versions, and previews the rules on a
 * sample page.
 */
import type { RuleKind, SessionMode } from "@tandem/protocol";
import { OidcClient } from "@tandem/console/src/oidc.js";
import {
  AdminApi,
  ApiError,
  SITE_ID,
  SignedOutError,
  describeProblem,
  newSiteBody,
  type AdminRule,
  type AdminSite,
  type FieldError,
  type SaveSite,
  type Validation,
} from "./api.js";
import { loadConfig } from "./config.js";
import { loadPreview, markPreview, type PreviewResult, type PreviewRule } from "./preview.js";
import { SAMPLE_PAGE } from "./sample-page.js";

const VALIDATE_DELAY_MS = 300;
const KINDS: ReadonlyArray<[RuleKind, string]> = [
  ["MASK", "Mask"],
  ["BLOCK", "Block"],
  ["NO_AGENT_CONTROL", "No agent control"],
];
const KIND_LABEL: Record<RuleKind, string> = { MASK: "Mask", BLOCK: "Block", NO_AGENT_CONTROL: "No agent control" };

function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (el === null) {
    throw new Error(`#${id} is missing from the admin page`);
  }
  return el as T;
}

function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Record<string, string> = {}, ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    el.setAttribute(name, value);
  }
  el.append(...children);
  return el;
}

const ui = {
  account: byId<HTMLElement>("account"),
  username: byId<HTMLElement>("username"),
  signOut: byId<HTMLAnchorElement>("sign-out"),
  signedOut: byId<HTMLElement>("signed-out"),
  signIn: byId<HTMLButtonElement>("sign-in"),
  workspace: byId<HTMLElement>("workspace"),
  error: byId<HTMLElement>("error"),
  siteSelect: byId<HTMLSelectElement>("site-select"),
  siteVersion: byId<HTMLElement>("site-version"),
  noSites: byId<HTMLElement>("no-sites"),
  enabled: byId<HTMLInputElement>("site-enabled"),
  newSite: byId<HTMLButtonElement>("new-site"),
  newSiteForm: byId<HTMLFormElement>("new-site-form"),
  newSiteId: byId<HTMLInputElement>("new-site-id"),
  newSiteCreate: byId<HTMLButtonElement>("new-site-create"),
  newSiteCancel: byId<HTMLButtonElement>("new-site-cancel"),
  newSiteMessage: byId<HTMLElement>("new-site-message"),
  editor: byId<HTMLFormElement>("editor"),
  builtinRules: byId<HTMLElement>("builtin-rules"),
  siteRules: byId<HTMLElement>("site-rules"),
  addRule: byId<HTMLButtonElement>("add-rule"),
  borderColor: byId<HTMLInputElement>("border-color"),
  highlightColor: byId<HTMLInputElement>("highlight-color"),
  matchViewport: byId<HTMLInputElement>("match-viewport"),
  appearanceMessages: byId<HTMLElement>("appearance-messages"),
  modeRows: byId<HTMLElement>("mode-rows"),
  addGroup: byId<HTMLButtonElement>("add-group"),
  modesMessages: byId<HTMLElement>("modes-messages"),
  origins: byId<HTMLTextAreaElement>("allowed-origins"),
  originsMessages: byId<HTMLElement>("origins-messages"),
  detectCards: byId<HTMLInputElement>("detect-cards"),
  detectSsn: byId<HTMLInputElement>("detect-ssn"),
  captureCanvas: byId<HTMLInputElement>("capture-canvas"),
  save: byId<HTMLButtonElement>("save"),
  validity: byId<HTMLElement>("validity"),
  saveStatus: byId<HTMLElement>("save-status"),
  reload: byId<HTMLButtonElement>("reload"),
  otherMessages: byId<HTMLElement>("other-messages"),
  previewSample: byId<HTMLInputElement>("preview-sample"),
  previewPasted: byId<HTMLInputElement>("preview-pasted"),
  previewHtml: byId<HTMLTextAreaElement>("preview-html"),
  previewFetched: byId<HTMLInputElement>("preview-fetched"),
  previewUrl: byId<HTMLInputElement>("preview-url"),
  previewUrlLoad: byId<HTMLButtonElement>("preview-url-load"),
  previewUrlMessage: byId<HTMLElement>("preview-url-message"),
  previewLoad: byId<HTMLButtonElement>("preview-load"),
  trySelector: byId<HTMLInputElement>("try-selector"),
  tryResult: byId<HTMLElement>("try-result"),
  previewFrame: byId<HTMLIFrameElement>("preview-frame"),
  history: byId<HTMLOListElement>("history"),
};

function showError(message: string | null): void {
  ui.error.hidden = message === null;
  ui.error.textContent = message ?? "";
}

function errorText(error: unknown): string {
  if (error instanceof ApiError) return describeProblem(error.problem);
  return error instanceof Error ? error.message : String(error);
}

/** One editable site rule, with the row that shows it. */
interface RuleRow {
  kind: HTMLSelectElement;
  selector: HTMLInputElement;
  note: HTMLInputElement;
  message: HTMLElement;
  matches: HTMLElement;
  row: HTMLTableRowElement;
}

interface ModeRow {
  group: HTMLInputElement;
  viewOnly: HTMLInputElement;
  shared: HTMLInputElement;
  row: HTMLTableRowElement;
}

/**
 * The tab's sessionStorage under keys of the admin page's own: in a deployment where the console and
 * this page share an origin, their tokens (of different clients) never mix.
 */
function namespacedSessionStorage(prefix: string): Storage {
  return {
    get length(): number {
      return Object.keys(sessionStorage).filter((k) => k.startsWith(prefix)).length;
    },
    key: (index: number) => Object.keys(sessionStorage).filter((k) => k.startsWith(prefix))[index]?.slice(prefix.length) ?? null,
    getItem: (key: string) => sessionStorage.getItem(prefix + key),
    setItem: (key: string, value: string) => sessionStorage.setItem(prefix + key, value),
    removeItem: (key: string) => sessionStorage.removeItem(prefix + key),
    clear: () => {
      for (const k of Object.keys(sessionStorage).filter((k) => k.startsWith(prefix))) sessionStorage.removeItem(k);
    },
  };
}

let uid = 0;
const nextId = (prefix: string): string => `${prefix}-${++uid}`;

class AdminPage {
  private readonly oidc: OidcClient;
  private readonly api: AdminApi;
  private siteId: string | null = null;
  private etag: string | null = null;
  private version = 0;
  /** Counts site loads: only the latest one may fill the editor (choosing sites quickly must not mix them). */
  private loads = 0;
  private builtIn: AdminRule[] = [];
  private builtInMatches: HTMLElement[] = [];
  private rules: RuleRow[] = [];
  private modes: ModeRow[] = [];
  private validateTimer: ReturnType<typeof setTimeout> | null = null;
  private validation = 0;
  private previewDoc: Document | null = null;
  private previewLoading: Promise<void> | null = null;
  /** The HTML of the page last loaded by address, or null. */
  private fetchedHtml: string | null = null;

  constructor(config: { keycloakUrl: string; realm: string; clientId: string }) {
    this.oidc = new OidcClient(config, location.origin + location.pathname, namespacedSessionStorage("tandem.admin:"));
    this.api = new AdminApi(location.origin, () => this.oidc.accessToken());
  }

  async start(): Promise<void> {
    ui.signIn.addEventListener("click", () => {
      this.oidc.signIn().catch((error: unknown) => showError(errorText(error)));
    });
    ui.signOut.addEventListener("click", (event) => {
      event.preventDefault();
      this.oidc.signOut(location.origin + location.pathname);
    });
    ui.siteSelect.addEventListener("change", () => void this.open(ui.siteSelect.value));
    ui.newSite.addEventListener("click", () => this.showNewSite(ui.newSiteForm.hidden !== false));
    ui.newSiteCancel.addEventListener("click", () => {
      this.showNewSite(false);
      ui.newSite.focus();
    });
    ui.newSiteId.addEventListener("input", () => this.newSiteProblem(null));
    ui.newSiteForm.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.createSite();
    });
    ui.addRule.addEventListener("click", () => {
      const row = this.addRule({ kind: "MASK", selector: "", note: null });
      row.selector.focus();
      this.changed();
    });
    ui.addGroup.addEventListener("click", () => {
      const row = this.addMode("", []);
      row.group.focus();
      this.changed();
    });
    ui.editor.addEventListener("input", () => this.changed());
    ui.editor.addEventListener("change", () => this.changed());
    ui.enabled.addEventListener("change", () => this.changed());
    ui.editor.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.saveSite();
    });
    ui.reload.addEventListener("click", () => {
      if (this.siteId !== null) void this.open(this.siteId);
    });
    ui.previewLoad.addEventListener("click", () => {
      ui.previewPasted.checked = true;
      void this.loadPreviewPage();
    });
    ui.previewSample.addEventListener("change", () => void this.loadPreviewPage());
    ui.previewPasted.addEventListener("change", () => void this.loadPreviewPage());
    ui.previewFetched.addEventListener("change", () => void this.loadPreviewPage());
    ui.previewUrlLoad.addEventListener("click", () => void this.loadPageByUrl());
    ui.previewUrl.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        void this.loadPageByUrl();
      }
    });
    ui.trySelector.addEventListener("input", () => this.refreshPreview());
    try {
      await this.oidc.handleRedirect();
    } catch (error) {
      showError(errorText(error));
    }
    const signedIn = this.oidc.tokens !== null;
    ui.account.hidden = !signedIn;
    ui.signedOut.hidden = signedIn;
    ui.workspace.hidden = !signedIn;
    ui.username.textContent = this.oidc.username ?? "";
    if (signedIn) {
      await this.loadPreviewPage();
      await this.loadSites();
    }
  }

  private async loadSites(wanted = new URLSearchParams(location.hash.slice(1)).get("site")): Promise<void> {
    try {
      const sites = await this.api.listSites();
      ui.siteSelect.replaceChildren(...sites.map((s) => h("option", { value: s.siteId }, s.siteId)));
      ui.noSites.hidden = sites.length > 0;
      ui.editor.hidden = sites.length === 0;
      const first = sites.find((s) => s.siteId === wanted) ?? sites[0];
      if (first !== undefined) {
        ui.siteSelect.value = first.siteId;
        await this.open(first.siteId);
      }
    } catch (error) {
      this.failed(error);
    }
  }

  private showNewSite(open: boolean): void {
    ui.newSiteForm.hidden = !open;
    ui.newSite.setAttribute("aria-expanded", String(open));
    this.newSiteProblem(null);
    if (open) {
      ui.newSiteId.value = "";
      ui.newSiteId.focus();
    }
  }

  private newSiteProblem(message: string | null): void {
    ui.newSiteMessage.replaceChildren(...(message === null ? [] : [h("span", { class: "error", "data-testid": "error" }, message)]));
    if (message === null) ui.newSiteId.removeAttribute("aria-invalid");
    else ui.newSiteId.setAttribute("aria-invalid", "true");
  }

  /** Creates a site of the admin's organisation (never overwriting one) and opens it. */
  private async createSite(): Promise<void> {
    const siteId = ui.newSiteId.value.trim();
    if (!SITE_ID.test(siteId)) {
      this.newSiteProblem(
        siteId === ""
          ? "Enter a site id."
          : `"${siteId}" is not a site id: use lower-case letters, digits and "-", starting with a letter or digit, at most 63 characters.`,
      );
      ui.newSiteId.focus();
      return;
    }
    ui.newSiteCreate.disabled = true;
    try {
      await this.api.create(siteId, newSiteBody());
      this.showNewSite(false);
      await this.loadSites(siteId);
      this.setStatus(`Created site ${siteId} (version 1). Co-browsing is off until you add its origins, enable it and save.`, "saved");
      ui.origins.focus();
    } catch (error) {
      if (error instanceof ApiError && error.slug === "site-exists") {
        this.newSiteProblem(`A site "${siteId}" exists already (perhaps in another organisation): choose another id.`);
        ui.newSiteId.focus();
      } else if (error instanceof SignedOutError) {
        this.failed(error);
      } else {
        this.newSiteProblem(`Not created: ${errorText(error)}`);
      }
    } finally {
      ui.newSiteCreate.disabled = false;
    }
  }

  /** Loads a site (discarding unsaved edits) and its history. */
  async open(siteId: string): Promise<void> {
    const load = ++this.loads;
    // While a site loads, an added rule would be wiped when the load lands: the editor says it is busy and
    // adding waits.
    ui.editor.setAttribute("aria-busy", "true");
    ui.addRule.disabled = true;
    try {
      const { site, etag } = await this.api.site(siteId);
      if (load !== this.loads) return;
      this.siteId = siteId;
      this.show(site, etag);
      this.setStatus("", "");
      ui.reload.hidden = true;
      showError(null);
      await this.loadHistory();
      this.scheduleValidation();
    } catch (error) {
      if (load === this.loads) this.failed(error);
    } finally {
      if (load === this.loads) {
        ui.editor.removeAttribute("aria-busy");
        ui.addRule.disabled = false;
      }
    }
  }

  private show(site: AdminSite, etag: string): void {
    this.etag = etag;
    this.version = site.version;
    ui.siteVersion.textContent = `Version ${site.version}, saved ${new Date(site.updatedAt).toLocaleString()}`;
    ui.enabled.checked = site.enabled;
    this.builtIn = site.rules.filter((r) => r.builtIn === true);
    ui.builtinRules.replaceChildren();
    this.builtInMatches = this.builtIn.map((rule) => {
      const matches = h("td", { "data-testid": "rule-matches" });
      ui.builtinRules.append(
        h(
          "tr",
          { class: "builtin", "data-testid": "builtin-rule" },
          h("td", {}, KIND_LABEL[rule.kind]),
          h("td", {}, h("code", { "data-testid": "rule-selector" }, rule.selector)),
          h("td", {}, "Built in (cannot be removed)"),
          matches,
          h("td"),
        ),
      );
      return matches;
    });
    ui.siteRules.replaceChildren();
    this.rules = [];
    for (const rule of site.rules.filter((r) => r.builtIn !== true)) {
      this.addRule(rule);
    }
    ui.borderColor.value = site.appearance.borderColor.toLowerCase();
    ui.highlightColor.value = site.appearance.highlightColor.toLowerCase();
    ui.matchViewport.checked = site.appearance.matchViewport;
    ui.modeRows.replaceChildren();
    this.modes = [];
    for (const [group, modes] of Object.entries(site.modes)) {
      this.addMode(group, modes);
    }
    ui.origins.value = site.allowedOrigins.join("\n");
    ui.detectCards.checked = site.detectors.cardNumbers;
    ui.detectSsn.checked = site.detectors.usSsn;
    ui.captureCanvas.checked = site.capture?.canvas === true;
    this.showMessages({ valid: true, errors: [], warnings: site.warnings });
    this.refreshPreview();
  }

  private addRule(rule: AdminRule): RuleRow {
    const messageId = nextId("rule-message");
    const kind = h("select", { "data-testid": "rule-kind", "aria-label": "Kind" });
    kind.append(...KINDS.map(([value, label]) => h("option", { value }, label)));
    kind.value = rule.kind;
    const selector = h("input", {
      class: "selector",
      "data-testid": "rule-selector",
      "aria-label": "Selector",
      "aria-describedby": messageId,
      spellcheck: "false",
      autocomplete: "off",
    });
    selector.value = rule.selector;
    const note = h("input", { class: "note", "data-testid": "rule-note", "aria-label": "Note" });
    note.value = rule.note ?? "";
    const message = h("div", { id: messageId, class: "message", "data-testid": "rule-message", "aria-live": "polite" });
    const matches = h("span");
    const remove = h("button", { type: "button", class: "secondary", "data-testid": "rule-remove" }, "Remove");
    const row = h(
      "tr",
      { "data-testid": "rule-row" },
      h("td", {}, kind),
      h("td", {}, selector, message),
      h("td", {}, note),
      h("td", { "data-testid": "rule-matches" }, matches),
      h("td", {}, remove),
    );
    const entry: RuleRow = { kind, selector, note, message, matches, row };
    remove.addEventListener("click", () => {
      const index = this.rules.indexOf(entry);
      this.rules.splice(index, 1);
      row.remove();
      const next = this.rules[index] ?? this.rules[index - 1];
      (next?.selector ?? ui.addRule).focus();
      this.changed();
    });
    this.labelRow(entry);
    selector.addEventListener("input", () => this.labelRow(entry));
    this.rules.push(entry);
    ui.siteRules.append(row);
    return entry;
  }

  /** Names a row's controls after its selector, for screen readers ("Remove rule .secret"). */
  private labelRow(entry: RuleRow): void {
    const name = entry.selector.value.trim() === "" ? "new rule" : `rule ${entry.selector.value.trim()}`;
    const remove = entry.row.querySelector("button");
    remove?.setAttribute("aria-label", `Remove ${name}`);
    entry.kind.setAttribute("aria-label", `Kind of ${name}`);
    entry.note.setAttribute("aria-label", `Note on ${name}`);
  }

  private addMode(group: string, modes: SessionMode[]): ModeRow {
    const groupInput = h("input", { "data-testid": "mode-group", "aria-label": "Agent group", autocomplete: "off" });
    groupInput.value = group;
    const viewOnly = h("input", { type: "checkbox", "data-testid": "mode-view-only", "aria-label": "View only" });
    viewOnly.checked = modes.includes("VIEW_ONLY");
    const shared = h("input", { type: "checkbox", "data-testid": "mode-shared", "aria-label": "Shared control" });
    shared.checked = modes.includes("SHARED");
    const remove = h("button", { type: "button", class: "secondary", "data-testid": "mode-remove" }, "Remove");
    const row = h("tr", { "data-testid": "mode-row" }, h("td", {}, groupInput), h("td", {}, viewOnly), h("td", {}, shared), h("td", {}, remove));
    const entry: ModeRow = { group: groupInput, viewOnly, shared, row };
    const label = (): void => {
      const name = groupInput.value.trim() || "new group";
      viewOnly.setAttribute("aria-label", `${name}: view only`);
      shared.setAttribute("aria-label", `${name}: shared control`);
      remove.setAttribute("aria-label", `Remove agent group ${name}`);
    };
    label();
    groupInput.addEventListener("input", label);
    remove.addEventListener("click", () => {
      this.modes.splice(this.modes.indexOf(entry), 1);
      row.remove();
      ui.addGroup.focus();
      this.changed();
    });
    this.modes.push(entry);
    ui.modeRows.append(row);
    return entry;
  }

  /** The document as edited now. */
  private body(): SaveSite {
    const modes: Record<string, SessionMode[]> = {};
    for (const m of this.modes) {
      const list: SessionMode[] = [];
      if (m.viewOnly.checked) list.push("VIEW_ONLY");
      if (m.shared.checked) list.push("SHARED");
      modes[m.group.value.trim()] = list;
    }
    return {
      enabled: ui.enabled.checked,
      document: {
        allowedOrigins: ui.origins.value.split("\n").map((o) => o.trim()).filter((o) => o !== ""),
        rules: this.rules.map((r) => {
          const note = r.note.value.trim();
          const kind = r.kind.value as RuleKind;
          return note === "" ? { kind, selector: r.selector.value } : { kind, selector: r.selector.value, note };
        }),
        appearance: {
          borderColor: ui.borderColor.value,
          highlightColor: ui.highlightColor.value,
          matchViewport: ui.matchViewport.checked,
        },
        modes,
        detectors: { cardNumbers: ui.detectCards.checked, usSsn: ui.detectSsn.checked },
        capture: { canvas: ui.captureCanvas.checked },
      },
    };
  }

  private changed(): void {
    this.refreshPreview();
    this.scheduleValidation();
  }

  private scheduleValidation(): void {
    if (this.validateTimer !== null) clearTimeout(this.validateTimer);
    this.validateTimer = setTimeout(() => {
      this.validateTimer = null;
      void this.validate();
    }, VALIDATE_DELAY_MS);
  }

  private async validate(): Promise<void> {
    if (this.siteId === null) return;
    const ticket = ++this.validation;
    ui.validity.textContent = "Checking…";
    let result: Validation;
    try {
      result = await this.api.validate(this.siteId, this.body());
    } catch (error) {
      if (error instanceof ApiError && error.problem.status === 400) {
        // Bean validation (colours, group names, sizes): the same field errors as a save would get.
        result = { valid: false, errors: error.problem.errors, warnings: [] };
        if (result.errors.length === 0) {
          result.errors = [{ field: "", message: describeProblem(error.problem) }];
        }
      } else {
        if (ticket === this.validation) ui.validity.textContent = "";
        this.failed(error);
        return;
      }
    }
    if (ticket !== this.validation) return;
    this.showMessages(result);
  }

  /** Puts each error and warning next to what caused it. */
  private showMessages(result: Validation): void {
    for (const r of this.rules) {
      r.message.replaceChildren();
      r.selector.removeAttribute("aria-invalid");
    }
    ui.appearanceMessages.replaceChildren();
    ui.modesMessages.replaceChildren();
    ui.originsMessages.replaceChildren();
    ui.otherMessages.replaceChildren();
    ui.origins.removeAttribute("aria-invalid");
    const put = (list: FieldError[], level: "error" | "warning"): void => {
      for (const e of list) {
        const rule = /^document\.rules\[(\d+)\]\.?(\w*)/.exec(e.field);
        const origin = /^document\.allowedOrigins\[(\d+)\]/.exec(e.field);
        const text = `${level === "error" ? "Error" : "Warning"}: ${e.message}`;
        const line = (tag: "div" | "li" | "span"): HTMLElement => h(tag, { class: level, "data-testid": level }, text);
        const row = rule ? this.rules[Number(rule[1])] : undefined;
        if (row !== undefined) {
          row.message.append(line("div"));
          if (level === "error") (rule?.[2] === "kind" ? row.kind : row.selector).setAttribute("aria-invalid", "true");
        } else if (origin) {
          ui.originsMessages.append(h("li", { class: level, "data-testid": level }, `Line ${Number(origin[1]) + 1}: ${text}`));
          if (level === "error") ui.origins.setAttribute("aria-invalid", "true");
        } else if (e.field.startsWith("document.appearance")) {
          ui.appearanceMessages.append(line("span"));
        } else if (e.field.startsWith("document.modes")) {
          ui.modesMessages.append(line("span"));
        } else {
          ui.otherMessages.append(h("li", { class: level, "data-testid": level }, e.field === "" ? text : `${e.field}: ${text}`));
        }
      }
    };
    put(result.errors, "error");
    put(result.warnings, "warning");
    const n = result.errors.length;
    ui.validity.textContent = n === 0 ? (result.warnings.length === 0 ? "No problems found." : `${result.warnings.length} warning(s).`) : `${n} error(s): saving would fail.`;
  }

  private setStatus(text: string, kind: "" | "saved" | "conflict" | "failed"): void {
    ui.saveStatus.textContent = text;
    ui.saveStatus.className = kind;
  }

  private async saveSite(): Promise<void> {
    if (this.siteId === null) return;
    ui.save.disabled = true;
    this.setStatus("Saving…", "");
    try {
      const { site, etag } = await this.api.save(this.siteId, this.body(), this.etag);
      this.show(site, etag);
      const warned = site.warnings.length === 0 ? "" : ` with ${site.warnings.length} warning(s)`;
      this.setStatus(`Saved as version ${site.version}${warned}.`, "saved");
      ui.reload.hidden = true;
      await this.loadHistory();
    } catch (error) {
      this.saveFailed(error);
    } finally {
      ui.save.disabled = false;
    }
  }

  private saveFailed(error: unknown): void {
    if (error instanceof ApiError && error.problem.status === 412) {
      const now = /"v(\d+)"/.exec(error.etag ?? "")?.[1];
      this.setStatus(
        `Not saved: someone else saved this site meanwhile${now === undefined ? "" : ` (it is now at version ${now})`}. ` +
          `Reload to see their version, then make your changes again.`,
        "conflict",
      );
      ui.reload.hidden = false;
      ui.reload.focus();
    } else if (error instanceof ApiError && error.problem.status === 400) {
      this.showMessages({ valid: false, errors: error.problem.errors, warnings: [] });
      this.setStatus(`Not saved: ${describeProblem(error.problem)}`, "failed");
    } else if (error instanceof SignedOutError) {
      this.failed(error);
      this.setStatus("Not saved: you are signed out.", "failed");
    } else {
      this.setStatus(`Not saved: ${errorText(error)}`, "failed");
    }
  }

  private async loadHistory(): Promise<void> {
    if (this.siteId === null) return;
    const siteId = this.siteId;
    const entries = await this.api.history(siteId);
    ui.history.replaceChildren(
      ...entries.map((entry) => {
        const text = `Version ${entry.version} by ${entry.updatedBy}, ${new Date(entry.updatedAt).toLocaleString()}` +
          (entry.restoredFrom === null ? "" : ` (restored from version ${entry.restoredFrom})`) +
          (entry.enabled ? "" : " (disabled)");
        const item = h("li", { "data-testid": "history-entry", "data-version": String(entry.version) }, text);
        if (entry.version === this.version) {
          item.append(" — current");
        } else {
          const restore = h("button", { type: "button", class: "secondary", "data-testid": "restore", "aria-label": `Restore version ${entry.version}` }, "Restore");
          restore.title = "Saves this version again as the newest one; unsaved edits are discarded";
          restore.addEventListener("click", () => void this.restore(entry.version));
          item.append(restore);
        }
        return item;
      }),
    );
  }

  private async restore(version: number): Promise<void> {
    if (this.siteId === null || this.etag === null) return;
    this.setStatus(`Restoring version ${version}…`, "");
    try {
      const { site, etag } = await this.api.restore(this.siteId, version, this.etag);
      this.show(site, etag);
      this.setStatus(`Version ${version} restored as version ${site.version}.`, "saved");
      ui.reload.hidden = true;
      await this.loadHistory();
    } catch (error) {
      this.saveFailed(error);
    }
  }

  /** Has the service read a page of the site by its address, and previews it. */
  private async loadPageByUrl(): Promise<void> {
    const url = ui.previewUrl.value.trim();
    const problem = (text: string | null): void => {
      ui.previewUrlMessage.replaceChildren(...(text === null ? [] : [h("span", { class: "error", "data-testid": "error" }, text)]));
      if (text === null) ui.previewUrl.removeAttribute("aria-invalid");
      else ui.previewUrl.setAttribute("aria-invalid", "true");
    };
    if (this.siteId === null) return;
    if (!/^https?:\/\/[^/]/i.test(url)) {
      problem("Enter the full address of a page of the site, starting with https:// or http://.");
      ui.previewUrl.focus();
      return;
    }
    problem(null);
    ui.previewUrlLoad.disabled = true;
    ui.previewUrlMessage.textContent = "Loading…";
    try {
      const page = await this.api.previewPage(this.siteId, url);
      this.fetchedHtml = page.html;
      ui.previewFetched.disabled = false;
      ui.previewFetched.checked = true;
      ui.previewUrlMessage.textContent = `Showing ${page.url}`;
      await this.loadPreviewPage();
    } catch (error) {
      if (error instanceof SignedOutError) this.failed(error);
      problem(error instanceof ApiError ? `Not loaded: ${error.problem.detail ?? error.problem.title}` : `Not loaded: ${errorText(error)}`);
    } finally {
      ui.previewUrlLoad.disabled = false;
    }
  }

  private loadPreviewPage(): Promise<void> {
    const html = ui.previewPasted.checked ? ui.previewHtml.value : ui.previewFetched.checked && this.fetchedHtml !== null ? this.fetchedHtml : SAMPLE_PAGE;
    const loading = loadPreview(ui.previewFrame, html).then((doc) => {
      if (this.previewLoading === loading) {
        this.previewDoc = doc;
        this.refreshPreview();
      }
    });
    this.previewLoading = loading;
    return loading.catch((error: unknown) => showError(errorText(error)));
  }

  /** Marks the current rules' matches in the preview and shows the counts next to each rule. */
  private refreshPreview(): void {
    const doc = this.previewDoc;
    if (doc === null || ui.previewFrame.contentDocument !== doc) return;
    const rules: PreviewRule[] = [
      ...this.builtIn.map((r, i) => ({ key: `b${i}`, kind: r.kind, selector: r.selector })),
      ...this.rules.map((r, i) => ({ key: `r${i}`, kind: r.kind.value as RuleKind, selector: r.selector.value })),
    ];
    const result: PreviewResult = markPreview(doc, rules, ui.trySelector.value);
    const describe = (count: number | null | undefined): string =>
      count === undefined ? "" : count === null ? "not a selector this browser accepts" : count === 1 ? "1 element" : `${count} elements`;
    for (const match of result.rules) {
      const index = Number(match.key.slice(1));
      const cell = match.key.startsWith("b") ? this.builtInMatches[index] : this.rules[index]?.matches;
      if (cell !== undefined) cell.textContent = describe(match.count);
    }
    ui.tryResult.textContent = result.tried === undefined ? "" : `Matches ${describe(result.tried)}`;
  }

  private failed(error: unknown): void {
    if (error instanceof SignedOutError) {
      ui.account.hidden = true;
      ui.workspace.hidden = true;
      ui.signedOut.hidden = false;
    }
    showError(errorText(error));
  }
}

loadConfig()
  .then((config) => new AdminPage(config).start())
  .catch((error: unknown) => showError(errorText(error)));
