// Injected into every workbench page (page.addInitScript) as window.__struereE2E: small DOM readers for what a
// person sees in the editor (where a text is drawn, whether a squiggle is under it, its colour). Plain JS so
// the project's type check (Node types, no DOM lib) stays as it is.
(() => {
  const clean = (s) => (s || '').replace(/\u00a0/g, ' ');

  function activeEditor() {
    return document.querySelector('.editor-group-container.active .monaco-editor');
  }

  function lineWith(editor, needle) {
    return Array.from(editor.querySelectorAll('.view-line')).find((l) => clean(l.textContent).includes(needle));
  }

  /** The client rect of the first occurrence of `needle` in a rendered line, via a DOM Range. */
  function rangeRect(line, needle) {
    const start = clean(line.textContent).indexOf(needle);
    if (start < 0) return null;
    const end = start + needle.length;
    const range = document.createRange();
    let offset = 0;
    let startSet = false;
    const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const len = (node.textContent || '').length;
      if (!startSet && start < offset + len) {
        range.setStart(node, start - offset);
        startSet = true;
      }
      if (startSet && end <= offset + len) {
        range.setEnd(node, end - offset);
        break;
      }
      offset += len;
    }
    return range.getBoundingClientRect();
  }

  /** Whether an element takes part in what is painted (not display: none, not visibility: hidden). */
  function painted(el) {
    return el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  }

  /** A CSS `content` value as the text it draws ('"••••••"' → '••••••'); '' for none/normal. */
  function pseudoText(el, which) {
    const content = getComputedStyle(el, which).content;
    if (!content || content === 'none' || content === 'normal') return '';
    const m = /^"(.*)"$/s.exec(content);
    return m ? m[1].replace(/\\(.)/g, '$1') : '';
  }

  /**
   * The text a person sees on a rendered line: text of painted elements only (a value hidden with display: none
   * is not there), plus what decorations draw with ::before / ::after (a mask).
   */
  function drawnText(node) {
    if (node.nodeType === Node.TEXT_NODE) return node.textContent || '';
    if (node.nodeType !== Node.ELEMENT_NODE || !painted(node)) return '';
    let out = pseudoText(node, '::before');
    for (const child of node.childNodes) out += drawnText(child);
    return out + pseudoText(node, '::after');
  }

  /** What reacts to the pointer (a hover, a click target); a point over none of these is a neutral resting place. */
  const POINTER_TARGETS =
    'a, button, input, [role="button"], [role="tab"], [role="treeitem"], [role="listitem"], [role="option"], ' +
    '.action-item, .monaco-list-row, .monaco-editor, .statusbar-item, .monaco-sash, .monaco-hover, ' +
    '.workbench-hover-container, .quick-input-widget, .notification-toast, .monaco-dialog-box';

  window.__struereE2E = {
    /**
     * A point where the pointer can rest without anything under it showing a hover: the empty stretch of the
     * activity bar between its top and bottom icons, else an empty spot of the title bar; null if there is none
     * (then the failure says so, rather than the pointer resting on something that reacts).
     */
    neutralPoint() {
      const candidates = [];
      const activity = document.querySelector('.part.activitybar');
      if (activity) {
        const r = activity.getBoundingClientRect();
        for (let f = 0.5; f <= 0.8; f += 0.1) candidates.push([r.x + r.width / 2, r.y + r.height * f]);
      }
      const title = document.querySelector('.part.titlebar');
      if (title) {
        const r = title.getBoundingClientRect();
        for (let f = 0.1; f <= 0.4; f += 0.1) candidates.push([r.x + r.width * f, r.y + r.height / 2]);
      }
      for (const [x, y] of candidates) {
        const el = document.elementFromPoint(x, y);
        // A menu's block over the window (the quick fix menu's) takes the pointer without reacting to it.
        if (el && (el.closest('.context-view-block') || !el.closest(POINTER_TARGETS))) return { x, y };
      }
      return null;
    },

    /** Whether a hover is painted: an editor hover or a workbench tooltip (Explorer rows, tabs, status bar). */
    hoverShown() {
      return Array.from(document.querySelectorAll('.workbench-hover-container, .monaco-hover')).some(
        (el) => painted(el) && !el.closest('.hidden'),
      );
    },

    /**
     * Whether the primary caret of the active editor is on the rendered line showing `needle` (a click meant for
     * that line put it there).
     */
    caretOnLineOf(needle) {
      const editor = activeEditor();
      const line = editor && lineWith(editor, needle);
      const caret = editor && editor.querySelector('.cursors-layer .cursor');
      if (!line || !caret) return false;
      const l = line.getBoundingClientRect();
      const c = caret.getBoundingClientRect();
      const middle = c.y + c.height / 2;
      return c.height > 0 && middle > l.top && middle < l.bottom;
    },

    /**
     * The middle of the lightbulb (in the gutter or beside the text) shown on the line of `needle` in the active
     * editor, or null: one left on another line belongs to where the cursor was before.
     */
    lightbulbOnLineOf(needle) {
      const editor = activeEditor();
      const line = editor && lineWith(editor, needle);
      if (!line) return null;
      const l = line.getBoundingClientRect();
      const bulbs = editor.querySelectorAll(
        '.lightBulbWidget, .glyph-margin-widgets [class*="codicon-gutter-lightbulb"]',
      );
      for (const bulb of bulbs) {
        const r = bulb.getBoundingClientRect();
        const middle = r.y + r.height / 2;
        if (painted(bulb) && r.width > 0 && middle > l.top && middle < l.bottom)
          return { x: r.x + r.width / 2, y: middle };
      }
      return null;
    },

    /** The drawn text of every rendered line of the active editor, top to bottom. */
    drawnLines() {
      const editor = activeEditor();
      if (!editor) return [];
      return Array.from(editor.querySelectorAll('.view-lines .view-line'))
        .map((l) => ({ top: l.getBoundingClientRect().top, text: clean(drawnText(l)) }))
        .sort((a, b) => a.top - b.top)
        .map((l) => l.text);
    },

    /** The drawn text of each code editor shown in the active group (both sides of a diff editor), top to bottom. */
    drawnEditors() {
      const editors = document.querySelectorAll('.editor-group-container.active .monaco-editor');
      return Array.from(editors)
        .filter(painted)
        .map((editor) =>
          Array.from(editor.querySelectorAll('.view-lines .view-line'))
            .map((l) => clean(drawnText(l)))
            .join('\n'),
        );
    },

    /** {x, y, width, height} of `needle` in the active editor, or null when it is not drawn. */
    textBox(needle) {
      const editor = activeEditor();
      const line = editor && lineWith(editor, needle);
      const r = line && rangeRect(line, needle);
      return r ? { x: r.x, y: r.y, width: r.width, height: r.height } : null;
    },
    /** true/false: a `.squiggly-<severity>` overlaps `needle`; null when the text is not drawn. */
    squiggleUnder(needle, severity) {
      const editor = activeEditor();
      const line = editor && lineWith(editor, needle);
      const t = line && rangeRect(line, needle);
      if (!t) return null;
      return Array.from(editor.querySelectorAll(`.squiggly-${severity}`)).some((e) => {
        const b = e.getBoundingClientRect();
        return b.y < t.bottom + 2 && t.y < b.bottom + 2 && b.x < t.right && t.x < b.right;
      });
    },
    /** The computed colour of the visible token containing `token` on the line containing `lineText`. */
    tokenColor(lineText, token) {
      const editor = activeEditor();
      const line = editor && lineWith(editor, lineText);
      if (!line) return null;
      // Only what is drawn: a span hidden by a decoration (display: none) is not something a person sees.
      const span = Array.from(line.querySelectorAll('span[class*="mtk"]')).find(
        (s) =>
          s.getClientRects().length > 0 &&
          getComputedStyle(s).visibility !== 'hidden' &&
          clean(s.textContent).includes(token),
      );
      return span ? getComputedStyle(span).color : null;
    },
  };
})();
