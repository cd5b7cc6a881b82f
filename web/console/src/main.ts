/**
 * The reference agent console: sign in, wait for a session, watch it in `<tandem-viewer>`.
 */
import "@tandem/agent";
import type { ViewerStatusDetail } from "@tandem/agent";
import type { AgentSession } from "@tandem/protocol";
import { invitesApi, loadConfig, type ConsoleConfig } from "./config.js";
import { OidcClient } from "./oidc.js";
import { SessionsApi, UnauthorizedError } from "./sessions-api.js";

const POLL_MS = 1_000;
const MODE_LABEL: Record<string, string> = { VIEW_ONLY: "View only", SHARED: "Shared control" };

function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (el === null) {
    throw new Error(`#${id} is missing from the console page`);
  }
  return el as T;
}

const ui = {
  account: byId<HTMLElement>("account"),
  username: byId<HTMLElement>("username"),
  signOut: byId<HTMLAnchorElement>("sign-out"),
  signedOut: byId<HTMLElement>("signed-out"),
  signIn: byId<HTMLButtonElement>("sign-in"),
  workspace: byId<HTMLElement>("workspace"),
  waiting: byId<HTMLElement>("waiting"),
  ended: byId<HTMLElement>("ended"),
  session: byId<HTMLElement>("session"),
  code: byId<HTMLElement>("session-code"),
  mode: byId<HTMLElement>("session-mode"),
  status: byId<HTMLElement>("viewer-status"),
  end: byId<HTMLButtonElement>("end-session"),
  requestShared: byId<HTMLButtonElement>("request-shared"),
  giveBack: byId<HTMLButtonElement>("give-back"),
  modeNote: byId<HTMLElement>("mode-note"),
  slot: byId<HTMLElement>("viewer-slot"),
  error: byId<HTMLElement>("error"),
};

function showError(message: string | null): void {
  ui.error.hidden = message === null;
  ui.error.textContent = message ?? "";
}

class Console {
  private readonly oidc: OidcClient;
  private readonly api: SessionsApi;
  private pollTimer: ReturnType<typeof setTimeout> | null = null;
  private current: { session: AgentSession; viewer: HTMLElementTagNameMap["tandem-viewer"] } | null = null;
  private mounting = false;
  /** Sessions that ended here: the service may still report them for a moment. */
  private readonly finished = new Set<string>();

  constructor(private readonly config: ConsoleConfig) {
    this.oidc = new OidcClient(config, location.origin + location.pathname);
    this.api = new SessionsApi(config.sessionsApi, () => this.oidc.accessToken());
  }

  async start(): Promise<void> {
    ui.signIn.addEventListener("click", () => {
      this.oidc.signIn().catch((error: unknown) => showError(String(error)));
    });
    ui.signOut.addEventListener("click", (event) => {
      event.preventDefault();
      this.current?.viewer.remove();
      this.oidc.signOut(location.origin + location.pathname);
    });
    ui.end.addEventListener("click", () => this.current?.viewer.end());
    ui.requestShared.addEventListener("click", () => void this.requestShared());
    ui.giveBack.addEventListener("click", () => void this.giveBack());
    try {
      await this.oidc.handleRedirect();
    } catch (error) {
      showError(error instanceof Error ? error.message : String(error));
    }
    this.render();
  }

  private render(): void {
    const username = this.oidc.tokens === null ? null : this.oidc.username;
    const signedIn = this.oidc.tokens !== null;
    ui.account.hidden = !signedIn;
    ui.signedOut.hidden = signedIn;
    ui.workspace.hidden = !signedIn;
    ui.username.textContent = username ?? "an agent";
    if (signedIn) {
      this.schedulePoll(0);
    }
  }

  private schedulePoll(delay = POLL_MS): void {
    if (this.pollTimer !== null) {
      clearTimeout(this.pollTimer);
    }
    this.pollTimer = setTimeout(() => {
      this.pollTimer = null;
      void this.poll();
    }, delay);
  }

  private async poll(): Promise<void> {
    if (this.current !== null || this.mounting) {
      this.schedulePoll();
      return;
    }
    try {
      const session = await this.api.currentSession();
      showError(null);
      if (session !== null && session.state !== "ENDED" && !this.finished.has(session.sessionId)) {
        await this.mount(session);
      }
    } catch (error) {
      if (error instanceof UnauthorizedError && (await this.oidc.refresh()) === null) {
        this.render();
        return;
      }
      showError(`Cannot reach session-service: ${error instanceof Error ? error.message : String(error)}`);
    }
    this.schedulePoll();
  }

  private async mount(session: AgentSession): Promise<void> {
    this.mounting = true;
    try {
      const grant = await this.api.joinToken(session.sessionId);
      const viewer = document.createElement("tandem-viewer");
      viewer.setAttribute("data-testid", "viewer");
      viewer.addEventListener("status", (event) => this.onStatus(session, (event as CustomEvent<ViewerStatusDetail>).detail));
      this.current = { session, viewer };
      ui.code.textContent = session.code;
      this.showMode(session.mode);
      ui.modeNote.textContent = "";
      // The gateway tells the viewer when the mode changes (the visitor accepted, or control was given back).
      viewer.addEventListener("mode", (event) => this.showMode((event as CustomEvent<{ mode: string }>).detail.mode));
      ui.waiting.hidden = true;
      ui.ended.hidden = true;
      ui.session.hidden = false;
      ui.slot.replaceChildren(viewer);
      // The gateway checks that the viewer's OIDC identity is the session's agent.
      const accessToken = await this.oidc.accessToken();
      viewer.connect({
        gatewayUrl: this.config.gatewayUrl,
        joinToken: grant.joinToken,
        sessionId: grant.sessionId,
        ...(this.oidc.username === null ? {} : { agentName: this.oidc.username }),
        ...(accessToken === null ? {} : { accessToken }),
      });
    } finally {
      this.mounting = false;
    }
  }

  private showMode(mode: string): void {
    ui.mode.textContent = MODE_LABEL[mode] ?? mode;
    ui.mode.setAttribute("data-mode", mode);
    ui.requestShared.hidden = mode === "SHARED" || invitesApi(this.config) === null;
    ui.giveBack.hidden = mode !== "SHARED";
    if (mode === "SHARED") {
      ui.modeNote.textContent = "";
    }
  }

  private async requestShared(): Promise<void> {
    const current = this.current;
    const invites = invitesApi(this.config);
    if (current === null || invites === null) {
      return;
    }
    ui.requestShared.disabled = true;
    try {
      const refused = await this.api.requestShared(invites, current.session.sessionId);
      ui.modeNote.textContent = refused === null ? "Asked the visitor for shared control\u2026" : `Not possible: ${refused}`;
    } catch (error) {
      ui.modeNote.textContent = `Not possible: ${error instanceof Error ? error.message : String(error)}`;
    } finally {
      ui.requestShared.disabled = false;
    }
  }

  private async giveBack(): Promise<void> {
    const current = this.current;
    if (current === null) {
      return;
    }
    try {
      await this.api.viewOnly(current.session.sessionId);
    } catch (error) {
      ui.modeNote.textContent = `Not possible: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  private onStatus(session: AgentSession, detail: ViewerStatusDetail): void {
    ui.status.textContent = detail.status;
    ui.status.setAttribute("data-status", detail.status);
    if (detail.status !== "ended") {
      return;
    }
    const reason = detail.reason ?? "ended";
    // A dropped connection is not the end of the session: the next poll connects again.
    if (!reason.startsWith("connection-")) {
      this.finished.add(session.sessionId);
    }
    this.current?.viewer.remove();
    this.current = null;
    ui.session.hidden = true;
    ui.ended.hidden = false;
    ui.ended.textContent = `Session ended: ${reason}`;
    ui.waiting.hidden = false;
    this.schedulePoll();
  }
}

loadConfig()
  .then((config) => new Console(config).start())
  .catch((error: unknown) => showError(error instanceof Error ? error.message : String(error)));
