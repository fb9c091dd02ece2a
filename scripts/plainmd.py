"""MyST → plain Jupyter Markdown, for the exported notebooks and the otter assignments.

Jupytext does the notebook part (MyST Markdown notebook → cells); this module does what no maintained
converter does for a Jupyter Book 1 chapter: it rewrites the MyST *inside* the markdown so that a plain
Jupyter (JupyterLab, classic, VS Code, Colab) shows what the HTML shows:

- ``{exercise}``/``{solution}`` (and gated ``{solution-start}``/``{solution-end}``), ``{prf:theorem}``,
  ``{prf:proof}``, ``{table}``, admonitions → headed plain-markdown blocks ("Exercise 3 (Coding ★★ · 20 min)");
- ``{eq}``, ``{numref}``, ``{ref}``, ``{doc}``, ``{prf:ref}`` → the numbers and titles of the built HTML,
  linked to the page of the site (``BookIndex.site_url``);
- ``{glue:text}`` → the value glued by the executed book, formatted as the HTML formats it;
- ``{cite}``/``{cite:t}`` → author–year, with a reference list for the ``{bibliography}`` directive;
- ``$$ … $$ (label)`` → ``$$ … \\tag{n} $$`` and ``(label)=`` targets → HTML anchors.

Why not sphinx-tojupyter (QuantEcon, 0.6.0 on PyPI, the maintained Sphinx → notebook builder)? Its wheel was
inspected, not adopted: it is a separate Sphinx builder, so every export would be a second pass over all
sources (and one per flavour, since the student flavour is a different document); its translator has no
visitors for sphinx-exercise or sphinx-proof nodes, which are exactly our exercises, solutions and theorems;
and it pulls in dask[distributed] and nbdime. Jupytext (already a dependency) plus this module is smaller and
is tested on every chapter (tests/test_export.py).

Numbers and titles come from Sphinx's own environment pickle (``_build/.doctrees/environment.pickle``,
written by every build) when it exists; otherwise they are derived from the sources in the same way Sphinx
numbers them here (per document, in order: the table of contents is not ``numbered``). The glued values come
from ``_build/jupyter_execute/book/<stem>.glue.json``; without a build each glued value is shown as its name
in code font, and the export says so.
"""

from __future__ import annotations

import json
import pickle
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "_build"

EXERCISE_TITLE = re.compile(r"^(Derivation|Coding|Numerical|Experiment|Discussion) (★|★★|★★★) · (\d+) min$")
CODE_KINDS = {"Coding", "Numerical", "Experiment"}
_FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|:{3,})\{(?P<name>[\w:-]+)\}\s*(?P<arg>.*)$")
_ROLE = re.compile(r"\{(?P<role>[a-z][\w:-]*)\}`(?P<body>[^`]*)`")
_TARGET = re.compile(r"^\((?P<label>[\w-]+)\)=\s*$")
_EQ_CLOSE = re.compile(r"^\$\$\s*\((?P<label>[\w-]+)\)\s*$")
ADMONITIONS = {"note", "tip", "warning", "important", "caution", "attention", "danger", "error", "hint", "seealso", "admonition"}
# What must not survive in exported markdown: a role, a directive fence, a target, a labelled equation.
MYST_LEFTOVER = re.compile(r"\{[a-z][\w:-]*\}`|^\s*(`{3,}|:{3,})\{[\w:-]+\}|^\([\w-]+\)=\s*$|^\$\$\s*\([\w-]+\)\s*$", re.M)


def anchor_id(label: str) -> str:
    """Sphinx's HTML id of a label (docutils ``make_id``: lower case, underscores become hyphens)."""
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")


def _split_directive(lines: list[str]) -> tuple[dict, list[str]]:
    """Options (``:key: value`` lines or a ``---`` YAML block) and body lines of a directive's content."""
    options: dict = {}
    i = 0
    if lines and lines[0].strip() == "---":
        j = lines.index("---", 1) if "---" in lines[1:] else 0
        options = yaml.safe_load("\n".join(lines[1:j])) or {}
        i = j + 1
    else:
        while i < len(lines) and re.match(r"^:[\w-]+:", lines[i].strip()):
            key, _, value = lines[i].strip()[1:].partition(":")
            options[key] = value.strip()
            i += 1
    return options, lines[i:]


def block_end(lines: list[str], start: int) -> int:
    """Index of the line closing the fenced directive that opens at ``lines[start]``."""
    fence = _FENCE.match(lines[start]).group("fence")
    char, n = fence[0], len(fence)
    for i in range(start + 1, len(lines)):
        s = lines[i].strip()
        if s and set(s) == {char} and len(s) >= n:
            return i
    raise ValueError(f"unclosed directive opened at line {start + 1}: {lines[start].strip()}")


@dataclass
class Exercise:
    """One ``{exercise}`` of a chapter, as the HTML numbers and titles it."""

    label: str
    number: int
    title: str  # e.g. "Coding ★★ · 20 min", or "" when the exercise has no title
    body: str  # MyST source of the statement
    kind: str  # Derivation, Coding, Numerical, Experiment or Discussion
    stars: int | None
    minutes: int | None
    has_code_solution: bool = False

    @property
    def heading(self) -> str:
        return f"Exercise {self.number}" + (f" ({self.title})" if self.title else f" ({self.kind})")


def parse_exercises(text: str) -> list[Exercise]:
    """Every ``{exercise}`` of a chapter source, numbered per document in order as sphinx-exercise does.

    The kind comes from the title (``Coding ★★ · 20 min``, CONVENTIONS.md), else from a leading
    ``(Derivation.)`` in the statement, else from the solution (code → Coding, text → Discussion).
    """
    lines = text.splitlines()
    found: list[Exercise] = []
    solutions_with_code: set[str] = set()
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if m and m.group("name") == "code-cell":
            i = block_end(lines, i) + 1
            continue
        if m and m.group("name") == "exercise":
            end = block_end(lines, i)
            options, body = _split_directive(lines[i + 1 : end])
            title = m.group("arg").strip()
            tm = EXERCISE_TITLE.match(title)
            body_text = "\n".join(body).strip()
            kind, stars, minutes = None, None, None
            if tm:
                kind, stars, minutes = tm.group(1), len(tm.group(2)), int(tm.group(3))
            else:
                lead = re.match(r"^\((Derivation|Coding|Numerical|Experiment|Discussion)\.?\)\s*", body_text)
                if lead:
                    kind = lead.group(1)
            found.append(Exercise(options.get("label", ""), len(found) + 1, title, body_text, kind or "", stars, minutes))
            i = end + 1
            continue
        if m and m.group("name") == "solution-start":
            label = m.group("arg").strip()
            j = block_end(lines, i) + 1
            while j < len(lines) and not (_FENCE.match(lines[j]) and _FENCE.match(lines[j]).group("name") == "solution-end"):
                if _FENCE.match(lines[j]) and _FENCE.match(lines[j]).group("name") == "code-cell":
                    solutions_with_code.add(label)
                j += 1
            i = j
            continue
        i += 1
    for ex in found:
        ex.has_code_solution = ex.label in solutions_with_code
        if not ex.kind:
            ex.kind = "Coding" if ex.has_code_solution else "Discussion"
    return found


def exercise_source(text: str, label: str) -> Exercise:
    """The exercise labelled ``label`` in a chapter source (``KeyError`` if there is none)."""
    for ex in parse_exercises(text):
        if ex.label == label:
            return ex
    raise KeyError(f"no exercise labelled {label!r}")


# ----------------------------------------------------------------------------------------------------------
# What the built book knows: numbers, titles, anchors, glued values, the bibliography


@dataclass
class Target:
    doc: str  # docname, e.g. "book/rbm"
    anchor: str  # HTML id on that page
    text: str  # what the HTML shows for a {ref}/{numref}/{eq}: a title, "Fig. 3", "(2)"


@dataclass
class BookIndex:
    """Numbers, titles and glued values of the book, from the build when there is one (``from_build``)."""

    targets: dict[str, Target] = field(default_factory=dict)  # label -> Target
    titles: dict[str, str] = field(default_factory=dict)  # docname -> page title
    glue: dict[str, dict[str, str]] = field(default_factory=dict)  # stem -> {name: text/plain}
    bib: dict[str, dict] = field(default_factory=dict)  # key -> {"authors": [...], "year", "title", "venue"}
    site_url: str = "../../"  # prefix of the site's pages, as seen from the notebook
    from_build: bool = False

    def url(self, doc: str, anchor: str = "") -> str:
        return f"{self.site_url}{doc}.html" + (f"#{anchor}" if anchor else "")


def _source_targets(path: Path, doc: str, counters: dict | None = None) -> tuple[dict[str, Target], str]:
    """Labels of one page derived from its source. Jupyter Book numbers figures, equations, exercises, tables
    and theorems continuously through the book (in table-of-contents order): pass the same ``counters`` for
    every page, in that order."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    targets: dict[str, Target] = {}
    if counters is None:
        counters = {}
    for key in ("eq", "fig", "tbl", "thm", "ex"):
        counters.setdefault(key, 0)
    page_title = ""
    pending: str | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        tm = _TARGET.match(line)
        if tm:
            pending = tm.group("label")
            i += 1
            continue
        hm = re.match(r"^(#{1,6})\s+(.*)$", line)
        if hm:
            title = plain_inline_static(hm.group(2))
            if not page_title and hm.group(1) == "#":
                page_title = title
            if pending:
                targets[pending] = Target(doc, anchor_id(pending), title)
                pending = None
            i += 1
            continue
        em = _EQ_CLOSE.match(line)
        if em:
            counters["eq"] += 1
            targets[em.group("label")] = Target(doc, f"equation-{anchor_id(em.group('label'))}", f"({counters['eq']})")
        fm = _FENCE.match(line)
        if fm:
            end = block_end(lines, i)
            options, _ = _split_directive(lines[i + 1 : end])
            name = fm.group("name")
            if name == "code-cell":
                fig = ((options.get("mystnb") or {}).get("figure") or {}) if isinstance(options, dict) else {}
                if fig.get("caption") is not None:
                    counters["fig"] += 1
                    if fig.get("name"):
                        targets[fig["name"]] = Target(doc, anchor_id(fig["name"]), f"Fig. {counters['fig']}")
            elif name == "table":
                counters["tbl"] += 1
                if options.get("name"):
                    targets[options["name"]] = Target(doc, anchor_id(options["name"]), f"Table {counters['tbl']}")
            elif name.startswith("prf:") and name != "prf:proof":
                counters["thm"] += 1
                if options.get("label"):
                    kind = name.split(":")[1].capitalize()
                    title = fm.group("arg").strip()
                    text_ = f"{kind} {counters['thm']}" + (f" ({title})" if title else "")
                    targets[options["label"]] = Target(doc, anchor_id(options["label"]), text_)
            elif name == "exercise":
                pass  # numbered by parse_exercises
            if name != "code-cell":
                # labelled equations inside a directive (a theorem, an exercise, an admonition) are numbered too
                for inner in lines[i + 1 : end]:
                    im = _EQ_CLOSE.match(inner)
                    if im:
                        counters["eq"] += 1
                        targets[im.group("label")] = Target(
                            doc, f"equation-{anchor_id(im.group('label'))}", f"({counters['eq']})")
            i = end + 1
            pending = None
            continue
        if line.strip():
            pending = None
        i += 1
    for ex in parse_exercises(text):
        counters["ex"] += 1
        if ex.label:
            # sphinx-exercise keeps the label as the HTML id (underscores included)
            targets[ex.label] = Target(doc, ex.label, _exercise_text(counters["ex"], ex))
    return targets, page_title


def _exercise_text(number: int, ex: "Exercise") -> str:
    return f"Exercise {number}" + (f" ({ex.title})" if ex.title else f" ({ex.kind})")


def toc_docs(toc: Path = ROOT / "_toc.yml") -> list[str]:
    """Docnames of every page in ``_toc.yml``, in order."""
    data = yaml.safe_load(toc.read_text(encoding="utf-8"))
    docs: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            for key in ("root", "file"):
                if key in node:
                    docs.append(re.sub(r"\.md$", "", node[key]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(data)
    return docs


def _latex(text: str) -> str:
    """LaTeX accents and dashes of a bibtex field as Unicode (latexcodec comes with pybtex)."""
    import codecs

    import latexcodec  # noqa: F401  (registers the codec)

    try:
        return codecs.decode(text, "ulatex")
    except Exception:  # an unusual macro: keep the text
        return text.replace("\\&", "&").replace("--", "–")


def _read_bib(path: Path) -> dict[str, dict]:
    from pybtex.database import parse_file

    out: dict[str, dict] = {}
    db = parse_file(str(path), bib_format="bibtex")
    for key, entry in db.entries.items():
        people = entry.persons.get("author") or entry.persons.get("editor") or []
        authors = [" ".join(p.last_names) or " ".join(p.first_names) for p in people]
        full = [" ".join(p.first_names + p.middle_names + p.last_names) for p in people]
        f = entry.fields
        venue = f.get("journal") or f.get("booktitle") or f.get("publisher") or f.get("howpublished") or f.get("url") or ""
        extra = ", ".join(x for x in (f.get("volume", ""), f.get("pages", "")) if x)
        clean = lambda s: re.sub(r"[{}]", "", _latex(s))  # noqa: E731
        out[key.lower()] = {
            "key": key,
            # without authors Sphinx's author-year style shows the ``key`` field (then the organization)
            "authors": [clean(a) for a in authors] or [clean(f.get("key") or f.get("organization") or key)],
            "full": [clean(a) for a in full],
            "year": clean(f.get("year", "n.d.")),
            "title": clean(f.get("title", "")),
            "venue": clean(venue) + (f" {clean(extra)}" if extra else ""),
            "url": f.get("url", "") or (f"https://doi.org/{f['doi']}" if f.get("doi") else ""),
        }
    return out


def load_index(build: Path = BUILD, site_url: str | None = None) -> BookIndex:
    """What the exports need to know about the book: from Sphinx's environment if built, else the sources."""
    index = BookIndex()
    docs = toc_docs()
    counters: dict = {}
    for doc in docs:
        path = ROOT / f"{doc}.md"
        if path.exists():
            targets, title = _source_targets(path, doc, counters)
            index.targets.update(targets)
            index.titles[doc] = title
    env_path = build / ".doctrees" / "environment.pickle"
    if env_path.exists():
        try:
            _update_from_environment(index, env_path)
            index.from_build = True
        except Exception as exc:  # an environment from another Sphinx version: keep the source numbering
            print(f"warning: could not read {env_path} ({exc}); numbering from the sources")
    for doc in docs:
        stem = doc.split("/")[-1]
        glue = build / "jupyter_execute" / "book" / f"{stem}.glue.json"
        if glue.exists():
            index.glue[stem] = _read_glue(glue)
    bib = ROOT / "book" / "references.bib"
    if bib.exists():
        index.bib = _read_bib(bib)
    if site_url is None:
        config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
        site_url = ((config.get("html") or {}).get("baseurl") or "").rstrip("/")
        site_url = site_url + "/" if site_url else "../../"
    index.site_url = site_url
    return index


def _read_glue(path: Path) -> dict[str, str]:
    outputs = json.loads(path.read_text(encoding="utf-8"))
    values = {}
    for name, out in outputs.items():
        meta = (out.get("metadata") or {}).get("scrapbook") or {}
        data = out.get("data", {})
        prefixed = meta.get("mime_prefix", "") + "text/plain"
        values[meta.get("name", name)] = data.get("text/plain", data.get(prefixed, ""))
    return values


def _update_from_environment(index: BookIndex, env_path: Path) -> None:
    """Overwrite the source-derived numbers with Sphinx's (the numbers the HTML actually shows)."""
    with env_path.open("rb") as fh:
        env = pickle.load(fh)
    std = env.domaindata.get("std", {})
    for label, (doc, labelid, sectname) in std.get("labels", {}).items():
        if label in index.targets and sectname:
            t = index.targets[label]
            if "$" in t.text:  # a title with math: keep the source's $...$ (the environment drops the markup)
                index.targets[label] = Target(doc, labelid, t.text)
            elif not t.text.startswith(("Fig.", "Table", "(", "Exercise", "Theorem")):
                index.targets[label] = Target(doc, labelid, sectname)
            else:
                index.targets[label] = Target(doc, labelid, t.text)
        elif sectname and label not in index.targets:
            index.targets[label] = Target(doc, labelid, sectname)
    for label, (doc, labelid) in std.get("anonlabels", {}).items():
        if label in index.targets:
            t = index.targets[label]
            index.targets[label] = Target(doc, labelid, t.text)
    # the numbers the HTML shows: Sphinx's toc_fignumbers, per page and figure type, keyed by HTML id
    by_anchor = {(t.doc, t.anchor): label for label, t in index.targets.items()}
    for doc, types in getattr(env, "toc_fignumbers", {}).items():
        for figtype, ids in types.items():
            for node_id, nums in ids.items():
                number = ".".join(str(n) for n in nums)
                if figtype == "displaymath":
                    label = node_id[len("equation-"):] if node_id.startswith("equation-") else node_id
                    index.targets[label] = Target(doc, node_id, f"({number})")
                    continue
                label = by_anchor.get((doc, node_id), node_id)
                old = index.targets.get(label)
                if figtype == "figure":
                    text = f"Fig. {number}"
                elif figtype == "table":
                    text = f"Table {number}"
                elif figtype == "exercise":
                    text = re.sub(r"^Exercise \d+", f"Exercise {number}", old.text) if old else f"Exercise {number}"
                else:  # sphinx-proof types: theorem, lemma, ...
                    text = re.sub(r"^(\w+) \d+", lambda m: f"{m.group(1)} {number}", old.text) if old else f"{figtype.capitalize()} {number}"
                index.targets[label] = Target(doc, node_id, text)
    for doc in index.titles:
        if doc in env.titles:
            index.titles[doc] = env.titles[doc].astext()


# ----------------------------------------------------------------------------------------------------------
# Inline roles


def plain_inline_static(text: str) -> str:
    """Headings for titles: drop role markup without an index (used while indexing); curly apostrophes as
    Sphinx's smartquotes make them."""
    return re.sub(r"(?<=\w)'(?=\w)", "’", _ROLE.sub(lambda m: m.group("body"), text))


def format_glue(value: str, spec: str) -> str:
    """A glued ``text/plain`` value formatted as myst-nb's ``{glue:text}`` does (``name:spec``)."""
    text = value.strip()
    if text.startswith("np.") and text.endswith(")"):
        text = text[text.index("(") + 1 : -1]
    if not spec:
        return text.strip("'\"")
    try:
        number = float(text)
    except ValueError:
        return text.strip("'\"")
    try:
        return format(number, spec)
    except ValueError:
        return format(int(number), spec)


def _cite_names(entry: dict) -> str:
    a = entry["authors"]
    if len(a) == 1:
        return a[0]
    if len(a) == 2:
        return f"{a[0]} and {a[1]}"
    return f"{a[0]} et al."


class Converter:
    """Rewrites the MyST of one page into plain Jupyter Markdown."""

    def __init__(self, index: BookIndex, doc: str, *, local_links: bool = True):
        """``local_links=False`` links even this page's targets to the site (for text taken out of the page)."""
        self.index = index
        self.doc = doc
        self.local_links = local_links
        self.stem = doc.split("/")[-1]
        self.cited: list[str] = []
        self.missing_glue: set[str] = set()

    def heading(self, ex: Exercise) -> str:
        """"Exercise N (Coding ★★ · 20 min)" with the number the HTML shows (continuous through the book)."""
        t = self.index.targets.get(ex.label)
        return t.text if t is not None and t.text.startswith("Exercise") else ex.heading

    # -- inline ------------------------------------------------------------------------------------------
    def _link(self, label: str, text: str | None = None) -> str:
        t = self.index.targets.get(label)
        if t is None:
            return text or label
        shown = text if text is not None else t.text
        if t.doc == self.doc and self.local_links:
            return f"[{shown}](#{t.anchor})"
        return f"[{shown}]({self.index.url(t.doc, t.anchor)})"

    def _role(self, m: re.Match) -> str:
        role, body = m.group("role"), m.group("body")
        explicit = re.match(r"^(?P<text>.*?)\s*<(?P<target>[^>]+)>$", body, flags=re.S)
        text, target = (explicit.group("text"), explicit.group("target")) if explicit else (None, body)
        if role == "eq":
            return self._link(target, text)
        if role == "numref":
            t = self.index.targets.get(target)
            if text and t and ("{number}" in text or "%s" in text):
                number = re.sub(r"^\D*", "", t.text).strip("()")
                return self._link(target, text.replace("{number}", number).replace("%s", number))
            return self._link(target, text)
        if role in ("ref", "prf:ref"):
            return self._link(target, text)
        if role == "doc":
            doc = target if "/" in target else f"{self.doc.rsplit('/', 1)[0]}/{target}"
            title = text or self.index.titles.get(doc, target)
            return f"[{title}]({self.index.url(doc)})"
        if role.startswith("glue"):
            name, _, spec = target.partition(":")
            values = self.index.glue.get(self.stem, {})
            if name in values:
                return format_glue(values[name], spec)
            self.missing_glue.add(name)
            return f"`{name}`"
        if role in ("cite", "cite:p", "cite:t", "cite:ps", "cite:ts"):
            keys = [k.strip() for k in target.split(",") if k.strip()]
            parts = []
            for key in keys:
                entry = self.index.bib.get(key.lower())
                if key.lower() not in self.cited:
                    self.cited.append(key.lower())
                if entry is None:
                    parts.append(key)
                elif role.startswith("cite:t"):
                    parts.append(f"{_cite_names(entry)} ({entry['year']})")
                else:
                    parts.append(f"{_cite_names(entry)}, {entry['year']}")
            joined = "; ".join(parts)
            link = f"#references-{self.stem}"
            return f"[{joined}]({link})" if role.startswith("cite:t") else f"([{joined}]({link}))"
        if role in ("math",):
            return f"${body}$"
        if role in ("code", "literal"):
            return f"`{body}`"
        if role in ("sub", "sup"):
            return f"<{role}>{body}</{role}>"
        return text or target

    def inline(self, text: str) -> str:
        return _ROLE.sub(self._role, text)

    # -- blocks ------------------------------------------------------------------------------------------
    def references(self) -> str:
        lines = [f'<a id="references-{self.stem}"></a>', ""]
        entries = [self.index.bib[k] for k in self.cited if k in self.index.bib]
        entries.sort(key=lambda e: (e["authors"][0].lower(), e["year"]))
        for e in entries:
            who = ", ".join(e["full"] or e["authors"])
            title = f"[{e['title']}]({e['url']})" if e["url"] else e["title"]
            venue = f" *{e['venue']}*." if e["venue"] and not e["venue"].startswith("http") else ""
            lines.append(f"- {who} ({e['year']}). {title}.{venue}")
        if not entries:
            lines.append("(No references cited.)")
        return "\n".join(lines)

    def convert(self, text: str, *, answer_cells: bool = False, answer_note=None, source: str | None = None) -> str:
        """Convert a whole MyST page (jupytext MyST text) to MyST text whose markdown is plain Markdown.

        Code cells are kept as they are (jupytext turns them into notebook cells). With ``answer_cells``
        an answer cell follows each exercise: code for Coding/Numerical/Experiment, markdown otherwise.
        """
        exercises = {ex.label: ex for ex in parse_exercises(source if source is not None else text)}
        ex_by_order = list(exercises.values())
        lines = text.splitlines()
        # keep the front matter untouched
        out: list[str] = []
        i = 0
        if lines and lines[0] == "---":
            j = lines.index("---", 1)
            out.extend(lines[: j + 1])
            i = j + 1
        ex_counter = 0
        thm_counter = 0
        tbl_counter = 0
        fig_counter = 0
        deferred_refs = False
        while i < len(lines):
            line = lines[i]
            fm = _FENCE.match(line)
            if fm:
                name, arg = fm.group("name"), fm.group("arg").strip()
                end = block_end(lines, i)
                inner = lines[i + 1 : end]
                options, body = _split_directive(inner)
                if name == "code-cell":
                    out.extend(lines[i : end + 1])
                    fig = (options.get("mystnb") or {}).get("figure") if isinstance(options, dict) else None
                    if fig and fig.get("caption") is not None:
                        fig_counter += 1
                        label = fig.get("name")
                        number = self.index.targets[label].text if label in self.index.targets else f"Fig. {fig_counter}"
                        anchor = f'<a id="{anchor_id(label)}"></a>' if label else ""
                        caption = " ".join(str(fig["caption"]).split())
                        out += ["", "+++", "", f"{anchor}**{number}.** {self.inline(caption)}", "", "+++", ""]
                    i = end + 1
                    continue
                body_md = self.convert_fragment("\n".join(body))
                if name == "exercise":
                    ex_counter += 1
                    ex = exercises.get(options.get("label", ""), ex_by_order[ex_counter - 1])
                    # the heading shows the kind: drop a leading "(Coding.)" of untitled exercises
                    body_md = re.sub(r"^\((Derivation|Coding|Numerical|Experiment|Discussion)\.?\)\s*", "", body_md)
                    out += [f'<a id="{ex.label}"></a>', "", f"### {self.heading(ex)}", "", body_md, ""]
                    if answer_cells:
                        number = self.heading(ex).split(" (")[0]
                        note = (answer_note(ex) if answer_note else None) or f"Your answer to {number}"
                        if ex.kind in CODE_KINDS:
                            out += ["```{code-cell} ipython3", f"# {note}", "```", ""]
                        else:
                            out += ["+++", "", f"**Your answer** ({number}):", "", f"*{note}.*", "", "+++", ""]
                elif name in ("solution", "solution-start"):
                    ex = exercises.get(arg)
                    head = f"Solution to {self.heading(ex)}" if ex else "Solution"
                    out += [f"#### {head}", ""]
                    if name == "solution":
                        out += [body_md, ""]
                elif name == "solution-end":
                    out += ["", "*End of the solution.*", ""]
                elif name.startswith("prf:"):
                    kind = name.split(":")[1].capitalize()
                    if name == "prf:proof":
                        out += [f"*Proof.* {body_md} ∎", ""]
                    else:
                        thm_counter += 1
                        label = options.get("label", "")
                        number = self.index.targets[label].text if label in self.index.targets else f"{kind} {thm_counter}"
                        if "(" not in number and arg:
                            number += f" ({arg})"
                        anchor = f'<a id="{anchor_id(label)}"></a>' if label else ""
                        out += [f"{anchor}**{self.inline(number)}.** {body_md}", ""]
                elif name == "table":
                    tbl_counter += 1
                    label = options.get("name", "")
                    number = self.index.targets[label].text if label in self.index.targets else f"Table {tbl_counter}"
                    anchor = f'<a id="{anchor_id(label)}"></a>' if label else ""
                    out += [f"{anchor}**{number}.** {self.inline(arg)}", "", body_md, ""]
                elif name == "bibliography":
                    out += ["@@REFERENCES@@", ""]
                    deferred_refs = True
                elif name in ADMONITIONS or name.startswith("admonition"):
                    title = arg if name == "admonition" and arg else name.capitalize()
                    quoted = "\n".join("> " + x if x else ">" for x in body_md.splitlines())
                    out += [f"> **{self.inline(title)}.**", ">", quoted, ""]
                elif name in ("figure", "image"):
                    caption = self.convert_fragment("\n".join(body))
                    label = options.get("name", "")
                    out += [f"![{caption}]({arg})", "", caption, ""]
                elif name in ("math",):
                    out += ["$$", *body, "$$", ""]
                elif name == "nb-exec-table":
                    out += ["*(The execution-time table is in the HTML version.)*", ""]
                else:  # an unknown directive: keep its body as plain text under its name
                    out += [f"**{name}** {self.inline(arg)}", "", body_md, ""]
                i = end + 1
                continue
            out.append(line)
            i += 1
        result = self.convert_fragment_lines(out)
        if deferred_refs:
            result = result.replace("@@REFERENCES@@", self.references())
        return result

    def convert_fragment(self, text: str) -> str:
        """Convert a piece of markdown (no front matter), nested directives included."""
        if _FENCE.search(text) or re.search(r"^\s*(`{3,}|:{3,})\{", text, flags=re.M):
            return self.convert(text).strip("\n")
        return self.convert_fragment_lines(text.splitlines()).strip("\n")

    def convert_fragment_lines(self, lines: list[str]) -> str:
        out: list[str] = []
        in_code = False
        in_math = False
        math_start = 0
        for line in lines:
            stripped = line.strip()
            if stripped.startswith("```") and not in_math:
                in_code = not in_code if not re.match(r"^`{3,}\{code-cell\}", stripped) else True
                if stripped == "```" and in_code is False:
                    pass
                out.append(line)
                continue
            if in_code:
                out.append(line)
                continue
            tm = _TARGET.match(line)
            if tm:
                out.append(f'<a id="{anchor_id(tm.group("label"))}"></a>\n')
                continue
            em = _EQ_CLOSE.match(line)
            if em and in_math:
                label = em.group("label")
                t = self.index.targets.get(label)
                number = t.text.strip("()") if t else label
                out.insert(math_start, f'<a id="equation-{anchor_id(label)}"></a>\n')
                out.append(f"\\tag{{{number}}}")
                out.append("$$")
                in_math = False
                continue
            if stripped.startswith("$$"):
                if stripped == "$$":
                    if not in_math:
                        in_math = True
                        math_start = len(out)
                    else:
                        in_math = False
                elif stripped.endswith("$$") and len(stripped) > 4:
                    pass
                out.append(line)
                continue
            out.append(line if in_math else self.inline(line))
        return "\n".join(out) + "\n"


def leftover_myst(markdown: str) -> list[str]:
    """Lines of plain markdown that still hold MyST role or directive syntax (empty when clean)."""
    found = []
    in_code = False
    for line in markdown.splitlines():
        if line.strip().startswith("```") and not re.match(r"^\s*`{3,}\{", line):
            in_code = not in_code
            continue
        if not in_code and MYST_LEFTOVER.search(line):
            found.append(line)
    return found
