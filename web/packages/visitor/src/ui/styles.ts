/** Styles of the tag's UI. They live in its shadow root, so the page cannot restyle them. */
export const TAG_STYLES = `
:host { all: initial; }
*, *::before, *::after { box-sizing: border-box; }
.layer {
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: #111827;
}
.backdrop {
  position: fixed; inset: 0; z-index: 2147483647;
  display: flex; align-items: center; justify-content: center;
  background: rgba(17, 24, 39, 0.5);
}
.dialog {
  width: min(440px, calc(100vw - 32px)); max-height: calc(100vh - 32px); overflow: auto;
  padding: 22px 24px; border-radius: 12px; background: #fff;
  box-shadow: 0 24px 60px rgba(0, 0, 0, 0.35);
}
.dialog:focus { outline: none; }
.dialog h2 { margin: 0 0 10px; font-size: 19px; line-height: 1.3; }
.dialog p { margin: 8px 0; }
.message {
  padding: 10px 12px; border-radius: 8px; background: #f3f4f6;
  white-space: pre-wrap; overflow-wrap: anywhere;
}
.mode { font-weight: 600; }
.note { color: #4b5563; font-size: 13px; }
.actions { display: flex; flex-wrap: wrap; justify-content: flex-end; gap: 10px; margin-top: 18px; }
button {
  font: inherit; font-weight: 600; padding: 9px 18px; border-radius: 8px; cursor: pointer;
  border: 1px solid #6b7280; background: #fff; color: #111827;
}
button.primary { border-color: #1d4ed8; background: #1d4ed8; color: #fff; }
button:focus-visible { outline: 3px solid #2563eb; outline-offset: 2px; }
.frame {
  position: fixed; inset: 0; z-index: 2147483645; pointer-events: none;
  border: 4px solid var(--tandem-border, #f5a623);
}
.badge {
  position: fixed; top: 0; left: 50%; transform: translateX(-50%); z-index: 2147483646;
  display: flex; align-items: center; gap: 10px; padding: 4px 6px 6px 14px;
  border: 2px solid var(--tandem-border, #f5a623); border-top: none; border-radius: 0 0 10px 10px;
  background: #fff; font-size: 13px; font-weight: 600; pointer-events: none; white-space: nowrap;
}
.badge button {
  pointer-events: auto; width: 26px; height: 26px; padding: 0; border-radius: 50%;
  border: 1px solid #9ca3af; font-size: 16px; line-height: 1;
}
.badge button.stop-follow {
  width: auto; padding: 0 10px; border-radius: 13px; font-size: 12px;
}
.follow-tag { font-weight: 500; color: #1d4ed8; }
.mode-tag { font-weight: 500; color: #4b5563; }
.mode-tag[data-mode="SHARED"] { color: #b45309; }
.sr-only {
  position: fixed; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
  clip-path: inset(50%); white-space: nowrap;
}
.pointer {
  position: fixed; left: 0; top: 0; z-index: 2147483646; pointer-events: none;
  transition: transform 90ms linear, opacity 300ms;
}
.pointer svg { display: block; width: 18px; height: 18px; }
.pointer span {
  display: inline-block; margin: 2px 0 0 12px; padding: 2px 7px; border-radius: 6px;
  background: #1d4ed8; color: #fff; font-size: 12px; font-weight: 600;
}
.pointer[hidden], .badge [hidden] { display: none; }
.highlight {
  position: fixed; width: 56px; height: 56px; margin: -28px 0 0 -28px; z-index: 2147483646;
  border-radius: 50%; pointer-events: none; opacity: 0;
  background: var(--tandem-highlight, #ffd400);
  box-shadow: 0 0 0 4px var(--tandem-highlight, #ffd400);
  animation: tandem-fade 1.8s ease-out forwards;
}
.drawings {
  position: fixed; inset: 0; width: 100%; height: 100%; z-index: 2147483645; pointer-events: none; overflow: hidden;
}
.drawings path { fill: none; stroke-linecap: round; stroke-linejoin: round; }
.drawings .pen { stroke: #dc2626; stroke-width: 3; }
.drawings .laser { stroke: #ef4444; stroke-width: 5; opacity: 0.8; filter: drop-shadow(0 0 3px #ef4444); }
.agent-selection {
  position: fixed; left: 0; top: 0; z-index: 2147483644; pointer-events: none;
  background: var(--tandem-highlight, #ffd400); opacity: 0.4; mix-blend-mode: multiply;
}
@keyframes tandem-fade {
  0% { opacity: 0.75; transform: scale(0.5); }
  25% { opacity: 0.6; transform: scale(1); }
  100% { opacity: 0; transform: scale(1.3); }
}
@media (prefers-reduced-motion: reduce) {
  .highlight { animation-name: tandem-fade-still; }
  .pointer { transition: none; }
}
@keyframes tandem-fade-still {
  0% { opacity: 0.7; }
  100% { opacity: 0; }
}
`;
