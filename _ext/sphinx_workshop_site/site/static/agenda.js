/* My agenda, the reader's time zone, now and next: the workshop extension's script, deferred, on
   the pages that show one of them (site/agenda.py says what each page holds). It reads only the
   page, sends nothing anywhere, and keeps the stars and the time-zone choice in this browser's
   localStorage under the edition's identifier (two editions on one site never share them).
   ASCII only: read right whatever charset a page or a server declares. */
(() => {
  "use strict";
  const script = document.currentScript;
  const venueTz = script.dataset.tz;
  const edition = script.dataset.edition;
  const prefix = `workshop:${edition}:`;
  const root = document.documentElement;

  // ------------------------------------------------------------------ storage
  const load = (key) => {
    try {
      return localStorage.getItem(prefix + key);
    } catch (error) {
      return null; // storage refused: the choices last as long as the page
    }
  };
  const save = (key, value) => {
    try {
      localStorage.setItem(prefix + key, value);
    } catch (error) {
      /* as above */
    }
  };
  const readStars = () => {
    try {
      const list = JSON.parse(load("agenda") || "[]");
      return new Set(Array.isArray(list) ? list.filter((uid) => typeof uid === "string") : []);
    } catch (error) {
      return new Set();
    }
  };
  let stars = readStars();

  // ------------------------------------------------------------------ time
  const MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(" ");
  const formats = new Map();
  const two = (n) => String(n).padStart(2, "0");
  // The wall clock at instant ms in zone tz (undefined: the reader's own).
  const walls = new Map(); // each instant is read a few times (a programme: thousands of them)
  const wall = (ms, tz) => {
    const key = `${tz}|${ms}`;
    if (!walls.has(key)) walls.set(key, readWall(ms, tz));
    return walls.get(key);
  };
  const readWall = (ms, tz) => {
    if (!formats.has(tz)) {
      const options = { timeZone: tz, hourCycle: "h23", weekday: "short", year: "numeric" };
      Object.assign(options, { month: "numeric", day: "numeric", hour: "numeric", minute: "numeric" });
      formats.set(tz, new Intl.DateTimeFormat("en-GB", options));
    }
    const p = {};
    for (const part of formats.get(tz).formatToParts(ms)) p[part.type] = part.value;
    const [y, m, d, h, mi] = [p.year, p.month, p.day, p.hour, p.minute].map(Number);
    return {
      date: `${y}-${two(m)}-${two(d)}`,
      hm: `${two(h)}:${two(mi)}`,
      label: `${p.weekday} ${d} ${MONTHS[m - 1]}`,
      asUtc: Date.UTC(y, m - 1, d, h, mi),
    };
  };
  // The instant when the venue's clocks show hm ("14:15") on date ("2024-11-26").
  const venueInstant = (date, hm) => {
    const [y, m, d] = date.split("-").map(Number);
    const [h, mi] = hm.split(":").map(Number);
    const shown = Date.UTC(y, m - 1, d, h, mi);
    let t = shown - (wall(shown, venueTz).asUtc - shown);
    t = shown - (wall(t, venueTz).asUtc - t); // right on either side of a change of offset
    return t;
  };
  const nextDate = (date) => wall(venueInstant(date, "12:00") + 86400000, venueTz).date;
  const readerZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const sameClock = (ms) => wall(ms).asUtc === wall(ms, venueTz).asUtc;
  // An event's time on the reader's clock: their date where it is not the venue's, both dates
  // when it crosses midnight for them.
  const readerText = (s, e, venueDate) => {
    const start = wall(s);
    if (e === undefined) return (start.date === venueDate ? "" : `${start.label}, `) + start.hm;
    const end = wall(e);
    if (wall(e - 60000).date !== start.date) return `${start.label} ${start.hm} \u2013 ${end.label} ${end.hm}`;
    return (start.date === venueDate ? "" : `${start.label}, `) + `${start.hm}\u2013${end.hm}`;
  };

  const element = (tag, className, text) => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  };
  const link = (event) => {
    if (!event.href) return element("span", "", event.title);
    const a = element("a", "", event.title);
    a.setAttribute("href", event.href);
    return a;
  };

  // ------------------------------------------------------------------ the programme's tables
  // Each time shown (a row's, or a cell's in parallel rooms), read once from the table.
  const RANGE = /(\d\d):(\d\d)(?:\s*\u2013\s*(\d\d):(\d\d))?/;
  const times = [];
  for (const table of document.querySelectorAll("table.schedule-day")) {
    const date = table.id.replace(/^day-/, "");
    for (const cell of table.querySelectorAll("tbody .slot-time")) {
      const found = RANGE.exec(cell.textContent);
      if (!found) continue;
      const s = venueInstant(date, `${found[1]}:${found[2]}`);
      const e = found[3] ? venueInstant(date, `${found[3]}:${found[4]}`) : undefined;
      times.push({ cell, date, s, e: e !== undefined && e <= s ? e + 86400000 : e });
    }
  }
  const timeOf = new Map(times.map((t) => [t.cell, t]));
  const tableDays = [...document.querySelectorAll("table.schedule-day")].map((t) => t.id.replace(/^day-/, ""));

  // The programme's events, for now and next, from its tables: a room per column.
  const tableEvents = () => {
    const events = [];
    for (const table of document.querySelectorAll("table.schedule-day")) {
      const parallel = table.classList.contains("schedule-rooms");
      const rooms = [...table.querySelectorAll("thead th")].slice(1).map((th) => th.textContent.trim());
      for (const row of table.tBodies[0] ? table.tBodies[0].rows : []) {
        const rowTime = timeOf.get(row.cells[0] && row.cells[0].classList.contains("slot-time") ? row.cells[0] : null);
        let column = 0;
        for (const cell of [...row.cells].slice(1, parallel ? undefined : 2)) {
          const span = cell.colSpan || 1;
          const room = parallel && span < rooms.length ? rooms[column] : null;
          column += span;
          const title = cell.querySelector(".slot-title");
          const when = timeOf.get(cell.querySelector("p.slot-time")) || rowTime;
          if (!title || !when || when.e === undefined) continue;
          const a = title.querySelector("a");
          events.push({
            s: when.s,
            e: when.e,
            room,
            title: title.textContent.trim(),
            href: a ? a.getAttribute("href") : "",
            cancelled: title.classList.contains("cancelled"),
          });
        }
      }
    }
    return events;
  };

  // ------------------------------------------------------------------ the time-zone switch
  const zoneSwitch = document.querySelector("input.tz-switch");
  const dataOf = (node) => JSON.parse(node.querySelector(".agenda-data").dataset.json);
  const agendaRoot = document.querySelector(".my-agenda");
  const agendaData = agendaRoot ? dataOf(agendaRoot) : null;
  const instants = [
    ...times.map((t) => t.s),
    ...(agendaData ? agendaData.events.map((e) => Date.parse(e.s)) : []),
  ];
  const zoneDiffers = instants.some((t) => !sameClock(t));
  const readerTimes = () => zoneDiffers && load("tz") === "1";

  if (zoneSwitch) {
    const line = zoneSwitch.closest(".tz-line");
    if (zoneDiffers) {
      zoneSwitch.checked = load("tz") === "1";
      line.querySelector(".tz-names").textContent = `(the programme's: ${venueTz}; yours: ${readerZone})`;
      zoneSwitch.addEventListener("change", () => {
        save("tz", zoneSwitch.checked ? "1" : "0");
        showTimes();
      });
    } else {
      line.replaceChildren(`The programme's times are your time zone's (${venueTz}).`);
    }
  }
  const showTimes = () => {
    const on = readerTimes();
    for (const t of times) {
      const holder = t.cell.tagName === "TD" ? t.cell.querySelector("p") || t.cell : t.cell;
      let shown = holder.querySelector(".reader-time");
      if (!on) {
        if (shown) shown.remove();
        continue;
      }
      if (!shown) shown = holder.appendChild(element("span", "reader-time"));
      shown.textContent = `your time: ${readerText(t.s, t.e, t.date)}`;
    }
    for (const shown of document.querySelectorAll(".my-agenda .reader-time")) shown.hidden = !on;
    nowNext.forEach((box) => box.update());
  };

  // ------------------------------------------------------------------ stars
  const mark = () => {
    for (const button of document.querySelectorAll("button.agenda-star")) {
      const on = stars.has(button.value);
      button.setAttribute("aria-pressed", String(on));
      const cell = button.closest(".workshop-schedule td");
      if (cell) (cell.closest("table.schedule-rooms") ? cell : cell.parentElement).classList.toggle("agenda-starred", on);
    }
    if (agenda) agenda.update();
  };
  const toggle = (uid) => {
    stars = readStars(); // another tab may have changed them
    if (stars.has(uid)) stars.delete(uid);
    else stars.add(uid);
    save("agenda", JSON.stringify([...stars]));
    mark();
  };
  document.addEventListener("click", (event) => {
    const button = event.target.closest("button.agenda-star");
    if (button && button.value) toggle(button.value);
  });
  window.addEventListener("storage", (event) => {
    if (event.key === `${prefix}agenda`) {
      stars = readStars();
      mark();
    } else if (event.key === `${prefix}tz`) {
      if (zoneSwitch) zoneSwitch.checked = load("tz") === "1";
      showTimes();
    }
  });
  // A row's star, named after the row's title for screen readers (the page holds no name: its
  // bytes count a thousand times over at a large conference).
  for (const button of document.querySelectorAll(".workshop-schedule button.agenda-star:empty")) {
    const title = button.closest("td").querySelector(".slot-title");
    button.type = "button";
    button.append(element("span", "agenda-sr", `My agenda: ${title ? title.textContent.trim() : ""}`));
  }
  const starButton = (uid, title) => {
    const button = element("button", "agenda-star");
    button.type = "button";
    button.value = uid;
    button.setAttribute("aria-pressed", String(stars.has(uid)));
    button.append(element("span", "agenda-sr", `My agenda: ${title}`));
    return button;
  };

  // ------------------------------------------------------------------ My agenda
  const agenda = agendaRoot && (() => {
    const data = agendaData;
    const list = agendaRoot.querySelector(".my-agenda-list");
    const exportButton = agendaRoot.querySelector(".agenda-export");
    const listed = new Set(); // starred while the page is open: listed until it is opened again
    exportButton.addEventListener("click", () => {
      const chosen = data.events.filter((e) => stars.has(e.uid) && e.ics);
      const text = data.calendar + chosen.map((e) => e.ics).join("") + "END:VCALENDAR\r\n";
      const a = element("a");
      a.href = URL.createObjectURL(new Blob([text], { type: "text/calendar;charset=utf-8" }));
      a.download = `${edition}-my-agenda.ics`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 10000);
    });
    let rendered = false;
    return {
      update() {
        const before = listed.size;
        stars.forEach((uid) => listed.add(uid));
        exportButton.hidden = !data.events.some((e) => stars.has(e.uid));
        // a star toggled here keeps its place (and the keyboard's focus): its button says so
        if (rendered && listed.size === before) return;
        rendered = true;
        const chosen = data.events.filter((e) => listed.has(e.uid));
        if (!chosen.length) {
          const empty = element("p", "my-agenda-empty", "Nothing starred yet: star (\u2606) the talks and poster sessions you want to attend in the ");
          empty.append(link({ title: "programme", href: data.programme }), " or on their pages.");
          list.replaceChildren(empty);
          return;
        }
        const days = new Map();
        for (const event of chosen) {
          if (!days.has(event.date)) days.set(event.date, []);
          days.get(event.date).push(event);
        }
        const out = [];
        for (const date of [...days.keys()].sort()) {
          out.push(element("h2", "my-agenda-day", data.days[date] || date));
          const items = element("ul", "my-agenda-items");
          for (const event of days.get(date).sort((a, b) => Date.parse(a.s) - Date.parse(b.s))) {
            const item = element("li", event.cancelled ? "agenda-cancelled" : "");
            const head = element("p");
            head.append(starButton(event.uid, event.title), element("span", "agenda-when", event.time), " ");
            const yours = readerText(Date.parse(event.s), Date.parse(event.e), date);
            head.append(element("span", "reader-time", `(your time: ${yours}) `));
            head.lastChild.hidden = !readerTimes();
            if (event.cancelled) head.append(element("strong", "cancelled-label", "Cancelled"), ": ");
            head.append(link(event));
            item.append(head);
            const about = [event.who, event.room].filter(Boolean).join(" \u00b7 ");
            if (about) item.append(element("p", "agenda-about", about));
            items.append(item);
          }
          out.push(items);
        }
        list.replaceChildren(...out);
      },
    };
  })();

  // ------------------------------------------------------------------ now and next
  const nowNext = [...document.querySelectorAll(".now-next")].map((box) => {
    const data = box.querySelector(".agenda-data");
    const parsed = data ? JSON.parse(data.dataset.json) : null;
    const events = parsed
      ? parsed.events.map((e) => ({ ...e, s: Date.parse(e.s), e: Date.parse(e.e) }))
      : tableEvents();
    const days = parsed ? parsed.days : tableDays;
    const from = days.length ? venueInstant(days[0], "00:00") : 0;
    const to = days.length ? venueInstant(nextDate(days[days.length - 1]), "00:00") : 0;
    const rooms = [...new Set(events.map((e) => e.room).filter(Boolean))];
    const at = (t) => wall(t, venueTz).hm;
    const update = () => {
      const now = Date.now();
      const groups = new Map();
      if (now >= from && now < to) {
        for (const room of rooms.length ? rooms : [null]) {
          const here = events.filter((e) => !e.cancelled && (e.room === null || e.room === room));
          const current = here.filter((e) => e.s <= now && now < e.e);
          const later = here.filter((e) => e.s > now);
          const soonest = Math.min(...later.map((e) => e.s));
          const next = later.filter((e) => e.s === soonest);
          if (!current.length && !next.length) continue;
          const key = [...current, null, ...next].map((e) => events.indexOf(e)).join();
          if (!groups.has(key)) groups.set(key, { rooms: [], current, next });
          groups.get(key).rooms.push(room);
        }
      }
      box.hidden = groups.size === 0;
      if (box.hidden) return box.replaceChildren();
      const title = element("p", "now-next-title");
      const yours = readerTimes() && !sameClock(now) ? `; ${readerText(now, undefined, "")}, your time` : "";
      title.append(element("strong", "", "Now and next"), ` (${at(now)}, the programme's time${yours})`);
      const list = element("ul", "now-next-list");
      for (const group of groups.values()) {
        const item = element("li");
        if (rooms.length) {
          const names = group.rooms.length === rooms.length ? "All rooms" : group.rooms.join(", ");
          item.append(element("strong", "now-next-room", names), ": ");
        }
        const parts = [];
        for (const event of group.current) parts.push(["Now", event, ` (until ${at(event.e)})`]);
        for (const event of group.next) {
          const day = wall(event.s, venueTz).date === wall(now, venueTz).date ? "" : `${wall(event.s, venueTz).label}, `;
          parts.push(["Next", event, ` (${day}${at(event.s)})`]);
        }
        parts.forEach(([label, event, when], index) => {
          if (index) item.append(" \u00b7 ");
          item.append(element("span", "now-next-label", `${label}: `), link(event), when);
        });
        list.append(item);
      }
      box.replaceChildren(title, list);
    };
    return { update };
  });

  mark();
  showTimes();
  setInterval(() => nowNext.forEach((box) => box.update()), 30000);
  root.classList.add("agenda-on");
})();
