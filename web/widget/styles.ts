// The widget's styles, applied as a constructed style sheet inside its shadow root (a host page's strict
// Content-Security-Policy allows it, where a <style> element would need 'unsafe-inline'). Themable through
// --rempart-accent (data-color or the key's branding) with --rempart-on-accent, its most contrasting text colour;
// contrasts meet WCAG AA on white.
export const STYLES = `
:host { all: initial; }
.rempart { --accent: var(--rempart-accent, #1c5d99); --on-accent: var(--rempart-on-accent, #fff); font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1a1b1e; }
.floating { position: fixed; bottom: 20px; z-index: 2147483000; }
.floating.right { right: 20px; } .floating.left { left: 20px; }
.launcher { background: var(--accent); color: var(--on-accent); border: 0; border-radius: 999px; padding: 12px 18px; font: inherit; font-weight: 600; cursor: pointer; box-shadow: 0 4px 14px rgba(0,0,0,.25); }
.panel { display: flex; flex-direction: column; background: #fff; border: 1px solid #ced4da; border-radius: 12px; box-shadow: 0 8px 30px rgba(0,0,0,.2); overflow: hidden; }
.floating .panel { position: absolute; bottom: 60px; width: min(380px, calc(100vw - 40px)); height: min(560px, calc(100vh - 100px)); }
.floating.right .panel { right: 0; } .floating.left .panel { left: 0; }
.page .panel { max-width: 720px; height: calc(100vh - 32px); margin: 16px auto; }
.panel[hidden] { display: none; }
header { display: flex; align-items: center; gap: 10px; background: var(--accent); color: var(--on-accent); padding: 10px 14px; }
h2 { margin: 0; font-size: 16px; flex: 1; }
.logo { height: 28px; max-width: 96px; object-fit: contain; background: #fff; border-radius: 4px; padding: 2px; }
.close { background: transparent; color: var(--on-accent); border: 0; font-size: 24px; line-height: 1; cursor: pointer; padding: 0 6px; }
.log { flex: 1; overflow-y: auto; padding: 12px; display: flex; flex-direction: column; gap: 8px; }
.message { max-width: 88%; padding: 8px 12px; border-radius: 10px; }
.message p { margin: 0 0 6px; } .message p:last-child { margin-bottom: 0; }
.bot { background: #f1f3f5; align-self: flex-start; }
.user { background: var(--accent); color: var(--on-accent); align-self: flex-end; }
.answer { background: #fff; border: 1px solid #ced4da; border-left: 4px solid var(--accent); }
.question, .title { font-weight: 600; }
.cite { font-size: 13px; color: #495057; }
.stale { font-size: 13px; color: #8a3c00; font-weight: 600; }
.error { background: #fff5f5; color: #a51111; }
a { color: #1c5d99; } .link { display: block; margin-top: 4px; }
.replies { display: flex; flex-wrap: wrap; gap: 6px; }
.replies button { background: #fff; color: #1a1b1e; border: 1px solid var(--accent); border-radius: 999px; padding: 6px 12px; font: inherit; cursor: pointer; }
.composer { display: flex; gap: 6px; border-top: 1px solid #dee2e6; padding: 8px; }
.composer input { flex: 1; font: inherit; padding: 8px 10px; border: 1px solid #868e96; border-radius: 8px; min-width: 0; }
.composer button { background: var(--accent); color: var(--on-accent); border: 0; border-radius: 8px; padding: 8px 14px; font: inherit; font-weight: 600; cursor: pointer; }
button:focus-visible, input:focus-visible, a:focus-visible, .log:focus-visible { outline: 3px solid #f59f00; outline-offset: 2px; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;
