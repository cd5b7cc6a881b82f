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
.message {
  position: absolute; inset: 0; display: flex; align-items: center; justify-content: center;
  padding: 16px; text-align: center; color: #374151;
}
.message[hidden] { display: none; }
@media (prefers-reduced-motion: reduce) {
  .cursor { transition: none; }
  .ring { animation-name: ring-fade-still; }
  @keyframes ring-fade-still { from { opacity: 1; } to { opacity: 0; } }
}
`;
