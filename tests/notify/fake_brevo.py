# fake_brevo.py PORT DIR: a loopback stand-in for Brevo's transactional SMS
# API (POST /v3/transactionalSMS/sms). It checks each request as the API
# documents it -- header api-key (must equal DIR/key), JSON body with
# "sender" (1-11 letters/digits or 1-15 digits), "recipient" (the number
# with its country code, digits only), "content" (non-empty text) and
# "type": "transactional" -- and answers 201 {"reference", "messageId"}.
# Every request is appended to DIR/requests.jsonl with the verdict. DIR/mode
# may hold "500" (answer 500 to everything: an outage) or "ok"; a recipient
# listed in DIR/invalid gets 400 {"code": "invalid_parameter", "message":
# "Invalid phone number"}. A malformed request gets 400 and "bad" in the log.
import json
import os
import re
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

port, d = int(sys.argv[1]), sys.argv[2]
counter = [1511882900176220]


def read(name, default=""):
    try:
        with open(os.path.join(d, name)) as f:
            return f.read().strip()
    except OSError:
        return default


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, obj):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(n)
        problems = []
        if self.path != "/v3/transactionalSMS/sms":
            problems.append("path " + self.path)
        if self.headers.get("api-key") != read("key"):
            problems.append("api-key")
        if not (self.headers.get("Content-Type") or "").startswith("application/json"):
            problems.append("content-type")
        try:
            body = json.loads(raw.decode("utf-8"))
        except ValueError:
            body = None
            problems.append("json")
        if isinstance(body, dict):
            s = body.get("sender")
            if not isinstance(s, str) or not (re.fullmatch(r"[A-Za-z0-9 ]{1,11}", s) or re.fullmatch(r"[0-9]{1,15}", s)):
                problems.append("sender")
            if not isinstance(body.get("recipient"), str) or not re.fullmatch(r"[1-9][0-9]{6,14}", body["recipient"]):
                problems.append("recipient")
            if not isinstance(body.get("content"), str) or not body["content"]:
                problems.append("content")
            if body.get("type") != "transactional":
                problems.append("type")
        rec = {"body": body, "problems": problems}
        mode = read("mode", "ok")
        if problems:
            rec["verdict"] = "bad"
            status, obj = 400, {"code": "invalid_parameter", "message": ", ".join(problems)}
        elif mode == "500":
            rec["verdict"] = "500"
            status, obj = 500, {"code": "internal_error", "message": "panne"}
        elif body["recipient"] in read("invalid").split():
            rec["verdict"] = "invalid"
            status, obj = 400, {"code": "invalid_parameter", "message": "Invalid phone number"}
        else:
            counter[0] += 1
            rec["verdict"] = "sent"
            rec["messageId"] = counter[0]
            status, obj = 201, {"reference": "ref%d" % counter[0], "messageId": counter[0],
                                "smsCount": 1, "usedCredits": 0.045, "remainingCredits": 99}
        with open(os.path.join(d, "requests.jsonl"), "a") as f:
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
        self.answer(status, obj)


HTTPServer(("127.0.0.1", port), Handler).serve_forever()
