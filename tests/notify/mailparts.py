# mailparts.py MAILDIR OUTDIR: read every message aiosmtpd's Mailbox
# handler stored in MAILDIR/new and print one tab-separated line per message,
# sorted by notification id:
#   id  event  envelope-recipient  To  decoded-subject  mime-structure  attachment-name
# and write, per message, OUTDIR/<id>[.<n>].txt (the text/plain body),
# .cal.ics (the text/calendar part), .att.ics (the .ics attachment) and
# .method (the method= parameter of the text/calendar part).
# Run with /usr/bin/python3 (the Debian interpreter, like aiosmtpd).
import email
import email.header
import email.policy
import os
import sys

maildir, outdir = sys.argv[1], sys.argv[2]
os.makedirs(outdir, exist_ok=True)
rows = []
newdir = os.path.join(maildir, "new")
for name in sorted(os.listdir(newdir)) if os.path.isdir(newdir) else []:
    with open(os.path.join(newdir, name), "rb") as f:
        msg = email.message_from_binary_file(f, policy=email.policy.default)
    nid, event = (msg.get("X-RDV-Notification", "? ?").split() + ["?"])[:2]
    rows.append((int(nid) if nid.isdigit() else 0, event, msg))

seen = {}
for nid, event, msg in sorted(rows, key=lambda r: r[0]):
    seen[nid] = seen.get(nid, 0) + 1
    base = os.path.join(outdir, str(nid) + ("" if seen[nid] == 1 else ".%d" % seen[nid]))
    structure = []
    attachment = "-"
    for part in msg.walk():
        ctype = part.get_content_type()
        structure.append(ctype)
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True)
        if ctype == "text/plain":
            open(base + ".txt", "wb").write(payload)
        elif ctype == "text/calendar":
            open(base + ".cal.ics", "wb").write(payload)
            open(base + ".method", "w").write((part.get_param("method") or "-") + "\n")
        elif part.get_filename():
            attachment = part.get_filename()
            open(base + ".att.ics", "wb").write(payload)
    subject = str(email.header.make_header(email.header.decode_header(msg["Subject"])))
    print("\t".join([str(nid), event, msg.get("X-RcptTo", "-"), str(msg["To"]), subject,
                     ",".join(structure), attachment]))
