/* Accessible names for the parts of Dash 4's widgets that take none from their props: a
 * slider's thumb (role="slider") and its number box, and a drop-down's keyboard entry (a
 * read-only box Dash marks aria-hidden although Tab reaches it). Each takes its name from the label the layout gives the
 * component (<label for="component id">), so the name is declared once, in the layout. The
 * buttons that have a key get aria-keyshortcuts from the contract's shortcut list. And the
 * rendered math (dcc.Markdown's MathJax) leaves the Tab order: MathJax puts every formula in
 * it (its context menu's "Include in Tab Order"), 20 unnamed stops on the race's page that
 * only open that menu; a screen reader reads each formula from MathJax's hidden MathML. */
(function () {
  "use strict";
  let queued = false;

  /* The Dash component ``el`` is part of: the drop-down's button beside its entry box, else
   * the nearest element with an id around it. */
  function componentOf(el) {
    const dropdown = el.parentElement.querySelector(":scope > .dash-dropdown[id]");
    if (dropdown) return dropdown;
    let c = el.parentElement;
    while (c && !c.id) c = c.parentElement;
    return c;
  }

  /* The label of the component, given an id (so the part can point at it). */
  function labelOf(el) {
    const c = componentOf(el);
    const l = c && [...document.getElementsByTagName("label")].find(x => x.htmlFor === c.id);
    if (l) l.id = l.id || "pg-label-" + c.id.replace(/[^\w-]/g, "_");
    return l;
  }

  function name(el) {
    const l = labelOf(el);
    if (l) el.setAttribute("aria-labelledby", l.id);
  }

  /* MathJax's own setting, turned off once, as soon as MathJax is there (its menu still
   * offers it): a formula typeset later gets no tabindex, one already drawn goes to -1. The
   * hidden MathML ("Include Hidden MathML") stays on. */
  let mathQuiet = false;
  function quietMath() {
    const doc = window.MathJax && window.MathJax.startup && window.MathJax.startup.document;
    const menu = doc && doc.menu;
    if (mathQuiet || !menu) return;
    mathQuiet = true;
    menu.settings.inTabOrder = false;
    menu.setTabOrder(false);
  }

  /* A formula wider than its box (a phone's) scrolls sideways: out of the Tab order, the
   * keyboard could not scroll it, so that one becomes a named stop (as the results table),
   * and stops being one when it fits again. */
  const SCROLLS = "formula (scrolls sideways)";
  function scrollableMath() {
    document.querySelectorAll(".pg-math").forEach(m => {
      const wide = m.scrollWidth > m.clientWidth + 1, made = m.getAttribute("aria-label") === SCROLLS;
      if (wide && !made) {
        Object.entries({ tabindex: "0", role: "region", "aria-label": SCROLLS }).forEach(([k, v]) => m.setAttribute(k, v));
      } else if (!wide && made) {
        ["tabindex", "role", "aria-label"].forEach(k => m.removeAttribute(k));
      }
    });
  }

  function repair() {
    queued = false;
    quietMath();
    scrollableMath();
    document.querySelectorAll('[role="slider"]:not([aria-labelledby]), input:not([id]):not([aria-labelledby])')
      .forEach(name);
    // the keys of a button's shortcut (the contract's list, which the help overlay prints)
    ((window.PG && window.PG.C && window.PG.C.shortcuts) || []).forEach(s => {
      const b = s.button && document.getElementById(s.button);
      if (b && b.getAttribute("aria-keyshortcuts") !== s.aria) b.setAttribute("aria-keyshortcuts", s.aria);
    });
    document.querySelectorAll(".dash-dropdown-focus-target[aria-hidden]").forEach(el => {
      el.removeAttribute("aria-hidden");  // Tab lands on it: it must be seen, and named
      name(el);
    });
  }

  const queue = () => { if (!queued) { queued = true; requestAnimationFrame(repair); } };
  new MutationObserver(queue).observe(document.documentElement, { childList: true, subtree: true });
  window.addEventListener("resize", queue);
})();
