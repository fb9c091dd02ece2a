"""Sphinx extension: the ``physml-exec-times`` directive, a table of each chapter's execution time and its slowest
cells, written at build time from ``_build/exec_times.json`` (recorded by ``scripts/build_book.py``, i.e. by
``make book``, which executes every chapter afresh just before the HTML build).

The record is read only when the build passes its path in the config value ``physml_exec_times``; a plain
``jupyter-book build .`` (which executes the chapters itself and records no per-cell times) gets a note saying
so instead, never an old table.
"""

from __future__ import annotations

import json
import posixpath
from pathlib import Path

from docutils import nodes
from sphinx.addnodes import pending_xref
from sphinx.util.docutils import SphinxDirective

#: Budgets of GUIDE.md section 3 (2-core machine): per chapter, cold numba cache.
CHAPTER_BUDGET_S = 20.0
N_SLOWEST = 3


def _table(header: list[str], rows: list[list], widths: list[int]) -> nodes.table:
    table = nodes.table(classes=["colwidths-given", "physml-exec-times"])
    group = nodes.tgroup(cols=len(header))
    table += group
    for w in widths:
        group += nodes.colspec(colwidth=w)
    head = nodes.thead()
    group += head
    row = nodes.row()
    for h in header:
        row += nodes.entry("", nodes.paragraph(text=h))
    head += row
    body = nodes.tbody()
    group += body
    for cells in rows:
        row = nodes.row()
        for cell in cells:
            entry = nodes.entry()
            if isinstance(cell, nodes.Node):
                entry += cell
            else:
                entry += nodes.paragraph(text=str(cell))
            row += entry
        body += row
    return table


class ExecTimes(SphinxDirective):
    """Per-chapter wall and CPU times and the slowest cells of the execution that fed this build."""

    def _doc_link(self, doc: str) -> nodes.paragraph:
        ref = pending_xref(refdoc=self.env.docname, reftarget="/" + doc, reftype="doc", refdomain="std",
                           refexplicit=True, refwarn=True, classes=["xref", "doc"])
        ref += nodes.inline(text=posixpath.basename(doc))
        para = nodes.paragraph()
        para += ref
        return para

    def run(self):
        path = self.config.physml_exec_times
        if not path or not Path(path).exists():
            para = nodes.paragraph(text="Per-cell execution times are recorded when the book is built with "
                                        "`make book` (scripts/build_book.py); this build executed the chapters "
                                        "without recording them.")
            return [para]
        self.env.note_dependency(str(path))
        data = json.loads(Path(path).read_text())
        rows = []
        total_wall = total_cpu = 0.0
        for doc, rec in sorted(data["chapters"].items(), key=lambda kv: -kv[1]["cpu_s"]):
            total_wall += rec["wall_s"]
            total_cpu += rec["cpu_s"]
            slow = sorted(rec["cells"], key=lambda c: -c["cpu_s"])[:N_SLOWEST]
            items = nodes.bullet_list()
            for c in slow:
                item = nodes.list_item()
                para = nodes.paragraph()
                para += nodes.Text(f"cell {c['code_index']}: {c['cpu_s']:.1f} s CPU, {c['wall_s']:.1f} s wall, ")
                para += nodes.literal(text=c["line"][:60])
                item += para
                items += item
            rows.append([self._doc_link(doc), f"{rec['wall_s']:.1f}", f"{rec['cpu_s']:.1f}",
                         str(len(rec["cells"])), items])
        rows.append(["all notebooks", f"{total_wall:.1f}", f"{total_cpu:.1f}", "", ""])
        summary = nodes.paragraph(text=(
            f"Executed {data['date']}: {len(data['chapters'])} notebooks, {data['jobs']} at a time on "
            f"{data['cpus']} CPUs, in {data['wall_s']:.1f} s of wall time; numba cache {data['numba_cache']} at the "
            f"start; load average {data['load_avg'][0]:.1f} at the end. CPU time is the user + system time of the "
            f"kernel and of any workers its parallel_map cells fork (in a build running several chapters at a time, "
            f"each kernel gets its share of the CPUs); wall time is what a reader waits. "
            f"Budget: {CHAPTER_BUDGET_S:.0f} s per chapter with a cold numba cache."))
        table = _table(["notebook", "wall (s)", "CPU (s)", "code cells", f"slowest {N_SLOWEST} cells (by CPU)"],
                       rows, [16, 9, 9, 9, 57])
        return [summary, table]


def setup(app):
    app.add_config_value("physml_exec_times", None, "env")
    app.add_directive("physml-exec-times", ExecTimes)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
