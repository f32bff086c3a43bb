/**
 * Aho–Corasick over UTF-16 code units: every occurrence of every pattern, overlapping ones included, wherever it
 * sits. No grapheme segmentation, normalisation or word boundaries: a value followed by a combining mark, a zero
 * width joiner, a variation selector or preceded by U+0600 (which joins the next character into its cluster) is
 * still the same code units, and a matcher that steps over grapheme clusters misses it.
 */
export class CodeUnitMatcher {
  readonly patterns: readonly string[];
  /** The longest pattern's length: how far back an occurrence can start from where it ends. */
  readonly maxLength: number;
  /** Transitions out of the root, dense: most code units of a text leave the automaton at the root. */
  private readonly rootNext = new Int32Array(0x10000);
  /**
   * Transitions out of the other nodes: the first child inline (code, node; -1 for none), further children in a map.
   * Almost every node of a dictionary of long values (and their encoded forms) has one child, so most nodes cost
   * two array slots instead of a Map of their own.
   */
  private readonly firstCode: number[] = [-1];
  private readonly firstChild: number[] = [0];
  private readonly moreChildren: (Map<number, number> | undefined)[] = [undefined];
  private readonly fail: number[] = [0];
  private readonly depths: number[] = [0];
  /** The pattern ending at the node, -1 for none. */
  private readonly terminal: number[] = [-1];
  /** The nearest node down the failure chain that ends a pattern, -1 for none. */
  private readonly outputLink: number[] = [-1];

  constructor(patterns: Iterable<string>) {
    this.patterns = [...patterns].filter((pattern) => pattern.length > 0);
    this.maxLength = this.patterns.reduce((max, pattern) => Math.max(max, pattern.length), 0);
    this.patterns.forEach((pattern, index) => this.insert(pattern, index));
    this.link();
  }

  /** The state reached from `state` on code unit `code`. */
  step(state: number, code: number): number {
    for (let node = state; ; node = this.fail[node]!) {
      if (node === 0) return this.rootNext[code]!;
      const target = this.childOf(node, code);
      if (target !== undefined) return target;
    }
  }

  /** How many code units of the text so far the state stands for: no occurrence to come starts further back. */
  depth(state: number): number {
    return this.depths[state]!;
  }

  /**
   * The first node of the patterns ending where `state` was reached (longest first), -1 for none; walk on with
   * `nextEnding`. Each such node is a pattern (`patternAt`) of `depth(node)` code units.
   */
  firstEnding(state: number): number {
    return this.terminal[state] !== -1 ? state : this.outputLink[state]!;
  }

  nextEnding(node: number): number {
    return this.outputLink[node]!;
  }

  patternAt(node: number): number {
    return this.terminal[node]!;
  }

  private childOf(node: number, code: number): number | undefined {
    if (this.firstCode[node] === code) return this.firstChild[node];
    return this.moreChildren[node]?.get(code);
  }

  private insert(pattern: string, index: number): void {
    let node = 0;
    for (let i = 0; i < pattern.length; i++) {
      const code = pattern.charCodeAt(i);
      let target = node === 0 ? this.rootNext[code] || undefined : this.childOf(node, code);
      if (target === undefined) {
        target = this.firstCode.length;
        this.firstCode.push(-1);
        this.firstChild.push(0);
        this.moreChildren.push(undefined);
        this.fail.push(0);
        this.depths.push(this.depths[node]! + 1);
        this.terminal.push(-1);
        this.outputLink.push(-1);
        if (node === 0) this.rootNext[code] = target;
        else if (this.firstCode[node] === -1) {
          this.firstCode[node] = code;
          this.firstChild[node] = target;
        } else (this.moreChildren[node] ??= new Map()).set(code, target);
      }
      node = target;
    }
    // The same value twice: the first index names it.
    if (this.terminal[node] === -1) this.terminal[node] = index;
  }

  private linkChild(node: number, code: number, child: number, queue: number[]): void {
    const fallback = this.step(this.fail[node]!, code);
    this.fail[child] = fallback;
    this.outputLink[child] = this.terminal[fallback] !== -1 ? fallback : this.outputLink[fallback]!;
    queue.push(child);
  }

  /** Failure and output links, breadth first. */
  private link(): void {
    const queue: number[] = [];
    for (let code = 0; code < this.rootNext.length; code++) {
      const child = this.rootNext[code]!;
      if (child !== 0) queue.push(child);
    }
    for (let head = 0; head < queue.length; head++) {
      const node = queue[head]!;
      if (this.firstCode[node] === -1) continue;
      this.linkChild(node, this.firstCode[node]!, this.firstChild[node]!, queue);
      for (const [code, child] of this.moreChildren[node] ?? []) this.linkChild(node, code, child, queue);
    }
  }
}
