export const VIEWER_STYLES = `
:host {
  display: block; position: relative; overflow: hidden; height: 600px;
  background: #e5e7eb; contain: strict;
  font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
}
.stage { position: absolute; top: 0; left: 0; transform-origin: 0 0; background: #fff; }
.stage[hidden] { display: none; }
iframe { display: block; border: 0; background: #fff; pointer-events: none; }
.overlay { position: absolute; inset: 0; cursor: crosshair; }
.marks { position: absolute; inset: 0; pointer-events: none; overflow: hidden; }
.marks div { position: absolute; left: 0; top: 0; pointer-events: none; opacity: 0.35; }
.visitor-selection { background: #f59e0b; }
.ink { position: absolute; inset: 0; width: 100%; height: 100%; pointer-events: none; overflow: hidden; }
.ink path { fill: none; stroke-linecap: round; stroke-linejoin: round; }
.ink .pen { stroke: #dc2626; stroke-width: 3; }
.ink .laser { stroke: #ef4444; stroke-width: 5; opacity: 0.8; }
.toolbar button[aria-pressed="true"] { background: #fde68a; border-color: #b45309; }
.agent-selection { background: #2563eb; }
.cursor {
  position: absolute; left: 0; top: 0; pointer-events: none; z-index: 2;
  transition: transform 80ms linear;
}
.cursor[hidden] { display: none; }
.cursor svg { display: block; width: 18px; height: 18px; }
.cursor span {
  display: inline-block; margin: 2px 0 0 12px; padding: 2px 7px; border-radius: 6px;
  background: #b45309; color: #fff; font-size: 12px; font-weight: 600; white-space: nowrap;
}
.ring {
  position: absolute; width: 44px; height: 44px; margin: -22px 0 0 -22px; border-radius: 50%;
  pointer-events: none; border: 3px solid #f59e0b; z-index: 2;
  animation: ring-fade 900ms ease-out forwards;
}
@keyframes ring-fade { from { opacity: 1; transform: scale(0.6); } to { opacity: 0; transform: scale(1.2); } }
:host([data-actual-size]) { overflow: auto; }
:host(:fullscreen) { width: 100vw; height: 100vh; }
.toolbar {
  position: absolute; right: 8px; bottom: 8px; z-index: 4; display: flex; gap: 6px; align-items: center;
  padding: 5px 7px; border-radius: 8px; background: rgba(255,255,255,0.95); box-shadow: 0 2px 8px rgba(0,0,0,.2);
  font-size: 12px;
}
.toolbar [hidden] { display: none; }
.toolbar button, .toolbar input { font: inherit; padding: 3px 7px; border-radius: 5px; border: 1px solid #9ca3af; background: #fff; }
.toolbar input { width: 180px; }
.mode { font-weight: 600; color: #374151; }
.latency { font-size: 12px; padding: 1px 6px; border-radius: 9px; background: #e5e7eb; color: #374151; }
.latency[hidden] { display: none; }
.latency[data-quality="good"] { background: #dcfce7; color: #166534; }
.latency[data-quality="fair"] { background: #fef3c7; color: #92400e; }
.latency[data-quality="poor"], .latency[data-quality="none"] { background: #fee2e2; color: #991b1b; }
:host([data-mode="SHARED"]) .mode { color: #b45309; }
.overlay:focus { outline: 2px solid #b45309; outline-offset: -2px; }
.notice {
  position: absolute; left: 8px; bottom: 8px; z-index: 4; padding: 6px 10px; border-radius: 8px;
  background: #7f1d1d; color: #fff; font-size: 13px;
}
.notice[hidden] { display: none; }
.picker { position: absolute; z-index: 5; font: inherit; min-width: 140px; }
.message {
  position: absolute; inset: 0; display: flex; align-items: center; justify-content: center;
  padding: 16px; text-align: center; color: #374151;
}
.message[hidden] { display: none; }
:host([data-status="away"]) .message { z-index: 6; background: rgba(255, 255, 255, 0.88); font-weight: 600; }
@media (prefers-reduced-motion: reduce) {
  .cursor { transition: none; }
  .ring { animation-name: ring-fade-still; }
  @keyframes ring-fade-still { from { opacity: 1; } to { opacity: 0; } }
}
`;
