// Reads calendar files with ical.js (Thunderbird's parser) and prints what it understood, as JSON.
// No time zone is registered with ICAL.TimezoneService: every offset comes from the file's own
// VTIMEZONE, as a client that does not know the zone would read it.
// usage: node ical_read.cjs <path to ical.js> <file.ics>...
const ICAL = require(process.argv[2]);
const fs = require("fs");

const out = [];
for (const file of process.argv.slice(3)) {
  const root = new ICAL.Component(ICAL.parse(fs.readFileSync(file, "utf8")));
  for (const component of root.getAllSubcomponents("vevent")) {
    const event = new ICAL.Event(component);
    const zone = event.startDate.zone;
    out.push({
      file,
      uid: event.uid,
      summary: event.summary,
      description: event.description,
      start: event.startDate.toUnixTime(),
      end: event.endDate.toUnixTime(),
      tzid: zone ? zone.tzid : null,
      registered: zone && zone.tzid ? ICAL.TimezoneService.has(zone.tzid) : false,
      attendees: component.getAllProperties("attendee").length,
      organizer: component.getFirstPropertyValue("organizer"),
    });
  }
}
process.stdout.write(JSON.stringify(out));
