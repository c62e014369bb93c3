#!/usr/bin/env python3
"""Benchmark of `ita-report hub` (issue 26): a province of N agencies, C simulated clerks on
loopback each doing open / edit / preview / save with a pause between steps, for S seconds.

Prints the p50 and p95 latency of save and of preview, the errors (any answer but 2xx; a
preview answered 503 "busy" is counted apart, and the clerk waits its Retry-After), and the
hub's peak memory (VmHWM). Not a test: figures depend on the machine. Standard library only.

    cargo build --release --locked
    python3 benches/hub.py [--bin target/release/ita-report] [--agencies 236] [--clerks 50]
                           [--seconds 120] [--pause 3]
"""

import argparse
import json
import os
import random
import re
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

PASSWORD = "bench-password-2568"


class Browser:
    """One browser: a session cookie and its CSRF token."""

    def __init__(self, base):
        self.base = base
        self.cookie = ""
        self.csrf = ""

    def send(self, method, path, body=None, kind=None, headers=None):
        request = urllib.request.Request(self.base + path, data=body, method=method)
        if self.cookie:
            request.add_header("Cookie", self.cookie)
        if kind:
            request.add_header("Content-Type", kind)
        if self.csrf:
            request.add_header("X-ITA-CSRF", self.csrf)
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        opener = urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(request, timeout=120) as answer:
                return answer.status, answer.headers, answer.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def form(self, path, fields):
        fields = dict(fields, csrf=self.csrf)
        body = urllib.parse.urlencode(fields).encode()
        return self.send("POST", path, body, "application/x-www-form-urlencoded")

    def login(self, user):
        status, headers, _ = self.form("/login", {"login": user, "password": PASSWORD})
        assert status == 303, (user, status)
        self.cookie = headers.get("Set-Cookie").split(";")[0]
        _, _, page = self.send("GET", "/")
        self.csrf = re.search(rb'name="ita-csrf" content="([0-9a-f]+)"', page).group(1).decode()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def sheet(agencies):
    lines = ["ผลการประเมิน ITA ปี 2566 จังหวัดร้อยเอ็ด,,,", "หน่วยงาน,อำเภอ,คะแนน ITA,ระดับ"]
    for i in range(agencies):
        lines.append(f"เทศบาลตำบลทดสอบที่ {i + 1},อำเภอที่ {i % 20 + 1},{60 + i % 40}.{i % 100:02d},B")
    return ("\n".join(lines) + "\n").encode()


def start(binary, data):
    env = dict(os.environ, ITA_REPORT_HUB_PASSWORD=PASSWORD)
    subprocess.run([binary, "hub", "init", "--data", data], env=env, check=True, capture_output=True)
    hub = subprocess.Popen([binary, "hub", "--data", data, "--addr", "127.0.0.1:0"], stderr=subprocess.PIPE, text=True)
    for line in hub.stderr:
        # The line is Thai unless ITA_REPORT_LANG says otherwise: read the address alone.
        if "http://" in line:
            address = line.split("http://")[1].split("/")[0]
            threading.Thread(target=lambda: [None for _ in hub.stderr], daemon=True).start()
            return hub, "http://" + address
    raise SystemExit("the hub did not start")


def setup(base, agencies, clerks):
    admin = Browser(base)
    admin.login("admin")
    status, _, body = admin.send("POST", "/api/import?year=2566&file=results.csv", sheet(agencies), "text/csv")
    assert status == 201, body
    _, _, page = admin.send("GET", "/users")
    ids = re.findall(rb'<option value="(\d+)">', page)
    _, _, listing = admin.send("GET", "/api/packages")
    packages = {p["agency"]: p["name"] for p in json.loads(listing)["packages"]}
    names = re.findall(rb'<option value="\d+">([^<]*) \(', page)
    browsers = []
    for n in range(clerks):
        login = f"clerk{n}"
        status, _, made = admin.form("/users", {"login": login, "name": login, "agency": ids[n].decode()})
        assert status == 201, made
        token = re.search(rb"/setup/([0-9a-f]+)", made).group(1).decode()
        anonymous = Browser(base)
        anonymous.form(f"/setup/{token}", {"password": PASSWORD, "again": PASSWORD})
        clerk = Browser(base)
        clerk.login(login)
        agency = names[n].decode().replace("&amp;", "&")
        browsers.append((clerk, packages[agency]))
    return browsers


def clerk_loop(clerk, name, deadline, pause, results, lock):
    path = urllib.parse.quote(name)
    step = 0
    while time.time() < deadline:
        status, headers, body = clerk.send("GET", f"/api/packages/{path}")
        if status != 200:
            with lock:
                results["errors"].append(("open", status))
            time.sleep(pause)
            continue
        package = json.loads(body)
        etag = headers.get("ETag", '"0"')
        step += 1
        package.setdefault("agency", {})["phone"] = f"0 4351 {step:04d}"
        text = json.dumps(package, ensure_ascii=False).encode()
        time.sleep(random.uniform(0, pause))
        began = time.time()
        status, answer, body = clerk.send("POST", f"/api/preview/{path}", text, "application/json")
        took = time.time() - began
        with lock:
            if status == 200:
                results["preview"].append(took)
            elif status == 503:
                results["busy"] += 1
            else:
                results["errors"].append(("preview", status))
        if status == 503:
            time.sleep(float(answer.get("Retry-After", "2")))
        time.sleep(random.uniform(0, pause))
        began = time.time()
        status, _, body = clerk.send("PUT", f"/api/packages/{path}", text, "application/json", {"If-Match": etag})
        took = time.time() - began
        with lock:
            if status == 200:
                results["save"].append(took)
            else:
                results["errors"].append(("save", status))
        time.sleep(random.uniform(0, pause))


def percentile(values, p):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=os.path.join(os.environ.get("CARGO_TARGET_DIR", "target"), "release", "ita-report"))
    parser.add_argument("--agencies", type=int, default=236)
    parser.add_argument("--clerks", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--pause", type=float, default=3.0, help="longest pause between a clerk's steps (s)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data:
        hub, base = start(args.bin, data)
        try:
            browsers = setup(base, args.agencies, args.clerks)
            results = {"save": [], "preview": [], "errors": [], "busy": 0}
            lock = threading.Lock()
            deadline = time.time() + args.seconds
            threads = [threading.Thread(target=clerk_loop, args=(c, n, deadline, args.pause, results, lock)) for c, n in browsers]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            status = open(f"/proc/{hub.pid}/status").read()
            peak = re.search(r"VmHWM:\s+(\d+) kB", status).group(1)
        finally:
            hub.kill()
    ms = lambda s: f"{s * 1000:.0f} ms"
    print(f"{args.agencies} agencies, {args.clerks} clerks, {args.seconds:.0f} s, pauses up to {args.pause} s")
    print(f"save:    {len(results['save'])} done, p50 {ms(percentile(results['save'], 50))}, p95 {ms(percentile(results['save'], 95))}")
    print(f"preview: {len(results['preview'])} done, p50 {ms(percentile(results['preview'], 50))}, p95 {ms(percentile(results['preview'], 95))}, busy (503) {results['busy']}")
    print(f"errors:  {len(results['errors'])} {results['errors'][:10]}")
    print(f"peak memory of the hub (VmHWM): {int(peak) / 1024:.0f} MB")


if __name__ == "__main__":
    main()
