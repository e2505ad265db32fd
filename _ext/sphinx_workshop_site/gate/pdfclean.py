"""A poster PDF rewritten by pikepdf (qpdf) with nothing left that a PDF reader would run or that
reaches out: the published file is this rewrite, never the contributor's bytes.

qpdf parses the whole file (every filter decoded, object streams, broken cross-reference tables
repaired) and writes it again from what it parsed: new object streams, new cross-reference table,
only the objects reachable from the document. Before it writes, every object qpdf knows of (each
of ``pdf.objects``, referenced or not) is cleaned:

- actions (under ``/A``, ``/PA``, ``/OpenAction``, ``/Next`` or of ``/Type /Action``) other than a
  ``GoTo`` within the file, a ``URI`` to an http(s) address or the viewer's page navigation (the
  ``Named`` actions NextPage, PrevPage, FirstPage, LastPage, GoBack, GoForward, GoToPage, Find, as
  beamer's navigation symbols use them) are emptied, and the key that held them dropped:
  JavaScript, Launch, SubmitForm, ImportData, ResetForm, GoToR, GoToE, Rendition, Hide,
  SetOCGState, other Named actions, … ; ``/Next`` chains are cut;
- the document's ``/OpenAction`` is kept when it is a plain destination (an array, or a GoTo
  action), as hyperref writes it (``[page /Fit]``): a view setting, never refused;
- ``/AA`` (actions on page, annotation and form-field events), ``/JS``, the ``/Names`` trees other
  than destinations and appearances (``/JavaScript``, ``/EmbeddedFiles``, templates, renditions),
  ``/EF`` (embedded file streams), ``/XFA`` forms and ``/Collection`` (portfolios) are removed;
- every dictionary that names something which runs or reaches out (``/JavaScript``, ``/Launch``,
  ``/EmbeddedFile``, ``/FileAttachment``, ``/RichMedia``, ``/Screen``, ``/Movie``, ``/Sound``,
  ``/3D``, …, as any value) is emptied, and so annotations of those kinds are removed from their
  pages, as are links left with no action and no destination.

The result is saved (deterministic id, no encryption), opened again and verified by a separate
walk (:func:`residue`): anything found there is a fault of this module, and the file is not
published. Standard library and pikepdf only: run as a script in a child process with memory,
CPU and output-size limits (``pdffile.rewrite_pdf_bytes``), so that a file whose streams expand
past any reason (an object-stream "zip bomb") costs the build a refusal, not its memory.
"""

from __future__ import annotations

import io
import json
import re
import sys

import pikepdf
from pikepdf import Array, Dictionary, Name, Stream

# actions kept: within the file, or a web address; and the viewer's navigation (beamer's symbols)
KEPT_ACTIONS = {"/GoTo", "/URI", "/Named"}
KEPT_NAMED = {
    "/NextPage",
    "/PrevPage",
    "/FirstPage",
    "/LastPage",
    "/GoBack",
    "/GoForward",
    "/GoToPage",
    "/Find",
}
# keys whose value is an action (or a chain of them)
ACTION_KEYS = ("/A", "/PA", "/OpenAction", "/Next")
WEB_ADDRESS = re.compile(r"https?://[^\s\x00-\x1f\x7f]+\Z", re.IGNORECASE)
# names (as any value) of things that run or reach out: a dictionary holding one is emptied
RUNS = {
    "/JavaScript": "JavaScript",
    "/JS": "JavaScript",
    "/Launch": "actions that start a program",
    "/SubmitForm": "form actions that send, import or reset data",
    "/ImportData": "form actions that send, import or reset data",
    "/ResetForm": "form actions that send, import or reset data",
    "/GoToR": "links that open another file",
    "/GoToE": "links that open an embedded file",
    "/GoTo3DView": "3D views and media",
    "/Rendition": "3D views and media",
    "/Movie": "3D views and media",
    "/Sound": "3D views and media",
    "/RichMedia": "3D views and media",
    "/RichMediaExecute": "3D views and media",
    "/Screen": "3D views and media",
    "/3D": "3D views and media",
    "/Hide": "viewer actions (Hide)",
    "/EmbeddedFile": "embedded files",
    "/EmbeddedFiles": "embedded files",
    "/FileAttachment": "embedded files",
    "/XFA": "an XFA form",
}
# keys removed from any dictionary
REMOVED_KEYS = {
    "/AA": "actions run on page, link or form-field events",
    "/JS": "JavaScript",
    "/JavaScript": "JavaScript",
    "/EmbeddedFiles": "embedded files",
    "/EF": "embedded files",
    "/XFA": "an XFA form",
    "/NeedsRendering": "an XFA form",
    "/Collection": "embedded files",
    "/RichMediaContent": "3D views and media",
    "/RichMediaSettings": "3D views and media",
    "/3DD": "3D views and media",
}
# the document's skeleton: never emptied (a key naming what runs is removed from it instead)
STRUCTURE = {Name.Catalog, Name.Pages, Name.Page}
# the /Names trees a poster may keep: named destinations (hyperref's links) and appearances
KEPT_NAME_TREES = {"/Dests", "/AP", "/Type"}


class _Notes:
    """What was removed, in the author's words, each said once, in the order found."""

    def __init__(self) -> None:
        self.said: dict[str, None] = {}

    def add(self, what: str) -> None:
        self.said.setdefault(what, None)


def _containers(obj):
    """``obj`` and every dictionary, stream and array directly inside it (not through indirect
    references: those are objects of their own in ``pdf.objects``). Iterative: no recursion limit."""
    stack = [obj]
    while stack:
        item = stack.pop()
        yield item
        if isinstance(item, Dictionary | Stream):
            values = item.values()
        else:
            values = item if isinstance(item, Array) else ()
        for value in values:
            if isinstance(value, Dictionary | Stream | Array) and not value.is_indirect:
                stack.append(value)


def _empty(obj, notes: _Notes, why: str) -> None:
    """Empty a dictionary (or a stream and its data) in place: every reference to it, known or
    not, now finds nothing."""
    notes.add(why)
    if isinstance(obj, Stream):
        obj.write(b"")
        for key in [k for k in obj if k not in ("/Length",)]:
            del obj[key]
    else:
        for key in list(obj.keys()):
            del obj[key]


def _is_action(obj) -> bool:
    return isinstance(obj, Dictionary | Stream) and ("/S" in obj or obj.get("/Type") == Name.Action)


def _word(name) -> str:
    """A PDF name as a note may print it: letters and digits, at most 40 (the file chose it)."""
    return re.sub(r"[^A-Za-z0-9]", "", str(name if name is not None else ""))[:40]


def _action_problem(action) -> str | None:
    """Why an action is not kept (None: a GoTo within the file, or a URI to an http(s) address)."""
    kind = action.get("/S")
    kind = str(kind) if isinstance(kind, Name) else ""
    if kind not in KEPT_ACTIONS:
        return RUNS.get(kind, f"viewer actions ({_word(kind) or 'untyped'})")
    if kind == "/GoTo" and "/D" not in action:
        return "viewer actions (GoTo without a destination)"
    if kind == "/Named" and str(action.get("/N")) not in KEPT_NAMED:
        return f"viewer actions (Named {_word(action.get('/N'))})"
    if kind == "/URI":
        uri = action.get("/URI")
        if not isinstance(uri, pikepdf.String) or not WEB_ADDRESS.match(str(uri)):
            return "links to addresses other than http(s)"
    return None


def _running_keys(obj) -> list[str]:
    """The keys of ``obj`` whose value names something which runs or reaches out."""
    return [k for k in obj if isinstance(obj[k], Name) and str(obj[k]) in RUNS]


def _clean_actions(obj, notes: _Notes, is_catalog: bool) -> None:
    """The actions ``obj`` holds (under ACTION_KEYS): each kept, or emptied with its key dropped."""
    for key in ACTION_KEYS:
        if key not in obj:
            continue
        action = obj[key]
        if key == "/OpenAction" and is_catalog and isinstance(action, Array):
            continue  # a plain destination, as hyperref writes it: [page /Fit]
        if not _is_action(action):
            emptied = isinstance(action, Dictionary) and not action.keys()
            if emptied or (key == "/OpenAction" and is_catalog):
                del obj[key]  # neither a destination nor an action: nothing a reader would do
            continue  # /A of a structure element (attributes, no /S): not an action
        if why := _action_problem(action):
            if key == "/OpenAction":
                notes.add("an action run when the file is opened")
            _empty(action, notes, why)
            del obj[key]
        elif "/Next" in action:
            notes.add("actions chained after a link")
            del action["/Next"]


def _clean_dictionary(obj, notes: _Notes, is_catalog: bool) -> None:
    """What ``obj`` holds that runs or reaches out, its actions done (_clean_actions)."""
    if running := _running_keys(obj):
        if not (is_catalog or obj.get("/Type") in STRUCTURE):
            _empty(obj, notes, RUNS[str(obj[running[0]])])
            return
        for key in running:  # the document's skeleton stays: only the odd key goes
            notes.add(RUNS[str(obj[key])])
            del obj[key]
    for key in [k for k in obj if k in REMOVED_KEYS]:
        notes.add(REMOVED_KEYS[key])
        del obj[key]
    if is_catalog and isinstance(obj.get("/Names"), Dictionary):
        trees = obj["/Names"]
        for key in [k for k in trees if k not in KEPT_NAME_TREES]:
            notes.add(REMOVED_KEYS.get(key, f"other name trees ({_word(key)})"))
            del trees[key]


def _clean_array(array, notes: _Notes) -> None:
    for i, value in enumerate(array):
        if isinstance(value, Name) and str(value) in RUNS:
            notes.add(RUNS[str(value)])
            array[i] = None


def _tidy_annotations(pdf: pikepdf.Pdf) -> None:
    """Drop from each page the annotations emptied above, and links left pointing nowhere."""
    for page in pdf.pages:
        annots = page.obj.get("/Annots")
        if not isinstance(annots, Array):
            continue
        kept = [
            a
            for a in annots
            if isinstance(a, Dictionary)
            and len(a.keys())
            and not (a.get("/Subtype") == Name.Link and "/A" not in a and "/Dest" not in a)
        ]
        if len(kept) != len(annots):
            if kept:
                page.obj["/Annots"] = Array(kept)
            else:
                del page.obj["/Annots"]


def clean(pdf: pikepdf.Pdf) -> list[str]:
    """Remove, in place, everything that runs or reaches out (see the module's doc); return what
    was removed, in the author's words."""
    notes = _Notes()
    catalog = pdf.Root.objgen
    # actions first, everywhere: what an action was is known before a dictionary naming
    # /JavaScript is emptied (the order of the objects does not change what is said)
    for clean_one in (_clean_actions, _clean_dictionary):
        for obj in [*pdf.objects, pdf.trailer]:
            for item in _containers(obj):
                if isinstance(item, Dictionary | Stream):
                    clean_one(item, notes, item.is_indirect and item.objgen == catalog)
                elif isinstance(item, Array) and clean_one is _clean_dictionary:
                    _clean_array(item, notes)
    _tidy_annotations(pdf)
    for key in [k for k in pdf.trailer if k not in ("/Root", "/Info", "/ID")]:
        del pdf.trailer[key]
    # qpdf writes the right count where the key is; without it (a file with no /Size) its new
    # cross-reference stream had none, and the file could not be opened again
    pdf.trailer.Size = 0
    return list(notes.said)


def residue(pdf: pikepdf.Pdf) -> list[str]:
    """What a clean file must not hold, found by a walk of its own (the check of :func:`clean`)."""
    found: dict[str, None] = {}
    catalog = pdf.Root
    for obj in [*pdf.objects, pdf.trailer]:
        for item in _containers(obj):
            if isinstance(item, Array):
                values = list(item)
            elif isinstance(item, Dictionary | Stream):
                values = list(item.values())
                for key in item:
                    if key in REMOVED_KEYS:
                        found.setdefault(key, None)
                for key in ACTION_KEYS:
                    action = item.get(key)
                    if key == "/OpenAction" and isinstance(action, Array):
                        continue
                    if _is_action(action) and _action_problem(action):
                        found.setdefault(f"{key} {action.get('/S')}", None)
                    elif key == "/OpenAction" and action is not None and not _is_action(action):
                        found.setdefault("/OpenAction", None)
                if item.is_indirect and item.objgen == catalog.objgen:
                    names = item.get("/Names")
                    if isinstance(names, Dictionary):
                        found.update(dict.fromkeys(k for k in names if k not in KEPT_NAME_TREES))
            else:
                continue
            for value in values:
                if isinstance(value, Name) and str(value) in RUNS:
                    found.setdefault(str(value), None)
    if pdf.is_encrypted:
        found.setdefault("/Encrypt", None)
    return list(found)


def rewrite(source, target: str) -> dict:
    """Open ``source`` (a path or a binary stream), clean it, save it to ``target``, verify the
    saved file: the outcome as a small dict (``status``: ok, encrypted, unreadable or residue)."""
    try:
        pdf = pikepdf.open(source)
    except pikepdf.PasswordError:
        return {"status": "encrypted"}
    except (pikepdf.PdfError, ValueError, RuntimeError):
        return {"status": "unreadable"}
    with pdf:
        try:
            pages = len(pdf.pages)
            notes = clean(pdf)
            pdf.save(
                target,
                object_stream_mode=pikepdf.ObjectStreamMode.generate,
                compress_streams=True,
                deterministic_id=True,
                encryption=False,
            )
        except (pikepdf.PdfError, ValueError, RuntimeError, KeyError, TypeError):
            return {"status": "unreadable"}
    try:
        with pikepdf.open(target) as saved:
            left, saved_pages = residue(saved), len(saved.pages)
    except (pikepdf.PdfError, ValueError, RuntimeError):
        return {"status": "residue", "found": ["a file pikepdf cannot open again"]}
    if left or saved_pages != pages:
        return {"status": "residue", "found": left or [f"{saved_pages} pages instead of {pages}"]}
    return {"status": "ok", "removed": notes, "pages": pages}


def _limit(memory: int, cpu_seconds: int, output: int) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
    resource.setrlimit(resource.RLIMIT_FSIZE, (output, output))


if __name__ == "__main__":  # python -I pdfclean.py - TARGET MEMORY CPU OUTPUT < SOURCE: one JSON line
    src, dest, memory, cpu, output = sys.argv[1:6]
    _limit(int(memory), int(cpu), int(output))
    try:
        outcome = rewrite(io.BytesIO(sys.stdin.buffer.read()) if src == "-" else src, dest)
    except MemoryError:
        outcome = {"status": "limits"}
    print(json.dumps(outcome))
