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

  window.__struereE2E = {
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
