# usager_mails.py MAILDIR: the mails to usagers (X-RDV-Notification "u<id>
# <event>"), parsed with Python's email package and their calendars with
# python3-icalendar (independent of libical), one tab-separated line each,
# in outbox order:
#   event  to-address  subject  UID  SEQUENCE  METHOD  STATUS  DTSTART(tz)  attendees  body-flat
# Exits 77 when python3-icalendar is missing.
import email
import email.header
import email.policy
import os
import sys

try:
    import icalendar
except ImportError:
    sys.exit(77)

maildir = sys.argv[1]
rows = []
newdir = os.path.join(maildir, "new")
for name in sorted(os.listdir(newdir)) if os.path.isdir(newdir) else []:
    with open(os.path.join(newdir, name), "rb") as f:
        msg = email.message_from_binary_file(f, policy=email.policy.default)
    tag = msg.get("X-RDV-Notification", "")
    if not tag.startswith("u"):
        continue
    nid, event = tag.split()[:2]
    body, cal, att = "", None, None
    for part in msg.walk():
        if part.is_multipart():
            continue
        data = part.get_payload(decode=True)
        if part.get_content_type() == "text/plain":
            body = data.decode("utf-8")
        elif part.get_content_type() == "text/calendar":
            cal = data
        elif part.get_filename():
            att = data
    assert cal == att, "attachment differs from the text/calendar part"
    c = icalendar.Calendar.from_ical(cal)
    ev = [x for x in c.walk("VEVENT")][0]
    start = ev.decoded("DTSTART")
    attendees = ev.get("ATTENDEE")
    if attendees is None:
        attendees = []
    elif not isinstance(attendees, list):
        attendees = [attendees]
    subject = str(email.header.make_header(email.header.decode_header(msg["Subject"])))
    to = email.utils.parseaddr(str(msg["To"]))[1]
    rows.append((int(nid[1:]), "\t".join([
        event, to, subject, str(ev["UID"]), str(ev.get("SEQUENCE", "-")), str(c["METHOD"]),
        str(ev["STATUS"]), start.strftime("%Y-%m-%dT%H:%M") + " " + str(start.tzinfo.zone if hasattr(start.tzinfo, "zone") else start.tzinfo),
        ",".join(str(a) for a in attendees), " | ".join(l for l in body.splitlines() if l.strip())])))
for _, line in sorted(rows):
    print(line)
