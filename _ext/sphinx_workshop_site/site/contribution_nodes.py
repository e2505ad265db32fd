"""How a page shows a contribution (talk or poster) of another page: its linked title, its
speakers, where the programme places it (slot, poster session and board, spotlight), a list item
with all of these, and the programme order. Used by the resolvers of talks.py, speakers.py,
site/schedule_table.py and posters.py, and by the proceedings; they all show a contribution the same way.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.util.nodes import make_refnode

from ..gate.mathmacros import plain_text
from ..model.schedule import Schedule, Slot, format_date
from .nodes import isolated
from .resolve import ResolveContext


def boards(ctx: ResolveContext, schedule: Schedule | None) -> dict[str, int]:
    """Every scheduled poster's board (WorkshopDomain.boards), computed once per page written."""
    cache = ctx.__dict__.setdefault("_workshop_boards", {})
    key = id(schedule)
    if key not in cache:
        cache[key] = (schedule, ctx.domain.boards(schedule))  # the schedule kept: its id stays its own
    return cache[key][1]


def title_nodes(ctx: ResolveContext, tid: str) -> list[nodes.Node]:
    entry = ctx.domain.talks.get(tid)
    title = ctx.domain.title_of(entry[0]) if entry else None
    if title is None:
        return [nodes.Text(tid)]
    return [child.deepcopy() for child in title.children]


def written_title(env, text: str) -> list[nodes.Node]:
    """A title as its page wrote it (Markdown; a release file keeps it so), shown as the site shows
    titles: read by the build's own MyST settings, its math as math when the math allow-list
    takes it (else as written, in text), code as code, the rest as text."""
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    from ..gate.texcheck import check_inline_prose, check_math

    parser = create_md_parser(getattr(env, "myst_config", None) or MdParserConfig(), RendererHTML)
    out: list[nodes.Node] = []
    for block in parser.parseInline(text):
        for token in block.children or ():
            tex = token.content
            if token.type == "math_inline" and not check_math(tex) and not check_inline_prose(tex):
                out.append(nodes.math(tex, tex))
            elif token.type.startswith("math_inline"):
                out.append(nodes.Text(f"{token.markup}{tex}{token.markup}"))
            elif token.type == "code_inline":
                out.append(nodes.literal(tex, tex))
            elif token.type in ("softbreak", "hardbreak"):
                out.append(nodes.Text(" "))
            elif tex:
                out.append(nodes.Text(tex))
    return out or [nodes.Text(text)]


def linked_title(ctx: ResolveContext, tid: str) -> nodes.Node:
    entry = ctx.domain.talks.get(tid)
    if entry is None:
        return nodes.inline("", tid, classes=["talk-title", "unknown"])
    return make_refnode(ctx.builder, ctx.docname, entry[0], "", title_nodes(ctx, tid))


def speaker_nodes(ctx: ResolveContext, tid: str, affiliation: bool) -> list[nodes.Node]:
    entry = ctx.domain.talks.get(tid)
    out: list[nodes.Node] = []
    for i, sid in enumerate(entry[1].speakers if entry else ()):
        if i:
            out.append(nodes.Text(", "))
        speaker = ctx.domain.speakers.get(sid)
        if speaker is None:
            out.append(nodes.Text(sid))
            continue
        name = ctx.domain.title_of(speaker[0])
        out.append(make_refnode(ctx.builder, ctx.docname, speaker[0], "", isolated(plain_text(name))))
        if affiliation and speaker[1].affiliation:
            out += [nodes.Text(" ("), isolated(speaker[1].affiliation), nodes.Text(")")]
    return out


def when_nodes(
    ctx: ResolveContext, schedule: Schedule, slot: Slot, time_range: str | None = None
) -> list[nodes.Node]:
    """'Tuesday 26 November 2024, 14:15–15:15 (Europe/Paris), Main room', the day linked."""
    day = nodes.Text(format_date(slot.date))
    program = ctx.schedule_doc()
    if program is None:
        out: list[nodes.Node] = [day]
    else:
        out = [make_refnode(ctx.builder, ctx.docname, program, f"day-{slot.date}", day)]
    text = f", {time_range or slot.time_range} ({schedule.timezone})"
    if room := schedule.room_of(slot):
        text += f", {room}"
    out.append(nodes.Text(text))
    return out


def slot_nodes(ctx: ResolveContext, tid: str) -> list[nodes.Node]:
    """Where the programme places a contribution: a talk's slot; a poster's session (with its
    title) and board; a spotlight's order and time. Or 'Not yet scheduled'."""
    schedule = ctx.schedule()
    slot = schedule.slot_of(tid) if schedule else None
    session = schedule.session_of(tid) if schedule and slot is None else None
    spotlight = schedule.spotlight_of(tid) if schedule else None
    if slot is None and session is None and spotlight is None:
        return [nodes.inline("", "Not yet scheduled", classes=["unscheduled"])]
    out: list[nodes.Node] = []
    if slot is not None:
        if slot.cancelled:  # a cancelled talk stays where it was, labelled
            out += [nodes.strong("", "Cancelled", classes=["cancelled-label"]), nodes.Text(", was: ")]
        out += when_nodes(ctx, schedule, slot)
    if session is not None:
        out += [nodes.Text(f"{session.title}: "), *when_nodes(ctx, schedule, session)]
        if (board := boards(ctx, schedule).get(tid)) is not None:
            out.append(nodes.Text(", "))
            out.append(nodes.strong("", f"board {board}", classes=["board"]))
    if spotlight is not None:
        spot_slot, spot = spotlight
        out += [nodes.Text("; " if out else ""), nodes.Text(f"spotlight {spot.order} in {spot_slot.title}: ")]
        out += when_nodes(ctx, schedule, spot_slot, spot.time_range)
    return [n for n in out if not (isinstance(n, nodes.Text) and not n.astext())]


def programme_order(schedule: Schedule | None) -> list[str]:
    """Contribution ids in programme order: the talks' slots, then the poster sessions' lists."""
    if schedule is None:
        return []
    return list(dict.fromkeys(schedule.talk_order() + schedule.poster_order()))


def talk_order(ctx: ResolveContext, schedule: Schedule | None, kind: str | None = None) -> list[str]:
    """Every contribution page (talks and posters; ``kind`` 'talk' or 'poster' for one type) in
    programme order (talk slots, then poster sessions), then the unscheduled ones by id."""
    talks = ctx.domain.talks
    scheduled = [t for t in programme_order(schedule) if t in talks]
    ordered = scheduled + sorted(set(talks) - set(scheduled))
    return [t for t in ordered if kind is None or talks[t][1].type == kind]


def talk_item(
    ctx: ResolveContext, tid: str, with_speakers: bool = True, mark_type: bool = False, with_when: bool = True
) -> nodes.list_item:
    head = nodes.paragraph("", "", linked_title(ctx, tid))
    if mark_type and ctx.domain.contribution_type(tid) == "poster":
        head += nodes.Text(" (poster)")
    if with_speakers:
        head += nodes.Text(" — ")
        head.extend(speaker_nodes(ctx, tid, affiliation=False))
    if not with_when:  # a list under its own heading ('Not yet scheduled') says it once
        return nodes.list_item("", head)
    when = nodes.paragraph("", "", *slot_nodes(ctx, tid), classes=["talk-when"])
    return nodes.list_item("", head, when)
