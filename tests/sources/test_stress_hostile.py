"""`make stress`: hostile files and hostile text.

- Hostile packages through the read path (`sheetsync validate`, sheetsync.registry.read): billion laughs and
  external entities in every kind of part, zip bombs by ratio, by forged sizes and by total size, a cell at
  XFD1048576: each refused with one clear line (exit 2, English and Chinese), within a memory bound measured on
  the process (tests/xlsx/test_patcher_hostile.py holds the same for the patcher; tests/sources/test_sources_hostile.py the
  single cases).
- Formula-looking text (=IMPORTXML(...), +cmd, @SUM, -2+3, DDE) typed anywhere in a tracker stays text after
  sync in both backends: an .xlsx has no <f> at all afterwards and the text in string cells; Google gets only
  stringValue for it, and the only formulas sheetsync sends are its own HYPERLINKs to cell references.
- HTML and header injection through every text a digest shows, many random combinations.
- Credentials (a service-account private key, SHEETSYNC_SMTP_PASSWORD) appear in no output, log, report,
  state database or outbox file of validate/sync/digest/run jobs, on success and on failure.
"""
from __future__ import annotations

import datetime as dt
import html.parser
import io
import json
import os
import random
import re
import struct
import subprocess
import sys
import time
import zipfile
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiosmtpd.smtp import AuthResult

import sheetsync.api as api
from support.digest_fixtures import Recorder, make_report, smtp_server, task
from support.gsheets_fixtures import emu, load_xlsx, service_account_file, token_server  # noqa: F401
from support.patcher_fixtures import make_tracker as make_plain_tracker
from sheetsync.digest import History, SmtpSettings, build_digests, deliver
from sheetsync.model import Person
from sheetsync.xlsx.read import read_xlsx
from support.hostile_packages import LAUGHS, forge_size, replace_part
from support.tracker_factory import make_tracker

pytestmark = pytest.mark.stress

ROOT = Path(__file__).resolve().parents[2]
SHEETSYNC = Path(sys.executable).parent / "sheetsync"
MEMORY_BOUND_MIB = 128  # the CLI validating a small tracker peaks near 60 MiB


def _cli(args, env=None, cwd=None, timeout=120) -> tuple[int, str, str]:
    """Run the installed command: (exit code, stdout, stderr)."""
    full = {**os.environ, "TZ": "UTC", **(env or {})}
    proc = subprocess.Popen([str(SHEETSYNC), *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=full, cwd=cwd)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise
    return proc.returncode, out.decode(), err.decode()


HWM = (  # the CLI in a fresh interpreter that notes its own peak RSS (VmHWM: this process since exec) at exit
    "import atexit, os, sys\n"
    "def _hwm():\n"
    "    with open('/proc/self/status') as f, open(os.environ['SHEETSYNC_TEST_HWM'], 'w') as out:\n"
    "        out.write(next(l for l in f if l.startswith('VmHWM')).split()[1])\n"
    "atexit.register(_hwm)\n"
    "sys.argv = ['sheetsync'] + sys.argv[1:]\n"
    "from sheetsync.cli import main\n"
    "main()\n")


def _peak_rss(args, tmp: Path, timeout=120) -> tuple[int, str, float]:
    """Run the command: (exit code, stderr, peak RSS of that process in MiB). ru_maxrss of a child would count
    the pages it shared with this (large) pytest process before exec, so the child reports its own VmHWM."""
    hwm = tmp / "hwm.txt"
    proc = subprocess.run([sys.executable, "-c", HWM, *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, "TZ": "UTC", "SHEETSYNC_TEST_HWM": str(hwm)})
    return proc.returncode, proc.stderr, int(hwm.read_text()) / 1024


# ---------------------------------------------------------------- hostile packages on the read path

DTD = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
XXE = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
PARAM = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY % p "<!ENTITY q \'qqqq\'>"> %p;]>'


def _prolog(base: bytes, part: str, dtd: bytes) -> bytes:
    body = zipfile.ZipFile(io.BytesIO(base)).read(part)
    return dtd + (body.split(b"?>", 1)[1] if body.startswith(b"<?xml") else body)


def _members(data: bytes) -> list[str]:
    return zipfile.ZipFile(io.BytesIO(data)).namelist()


def _add_member(data: bytes, name: str, payload: bytes, level: int = 9) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED,
                                                                   compresslevel=level) as z:
        for info in src.infolist():
            z.writestr(info, src.read(info))
        z.writestr(name, payload)
    return out.getvalue()


def _forge_all(data: bytes, names: list[bytes], size: int) -> bytes:
    for n in names:
        data = forge_size(data, n, size)
    return data


def _hostile_cases(base: bytes) -> dict[str, tuple[bytes, str]]:
    sheet = zipfile.ZipFile(io.BytesIO(base)).read("xl/worksheets/sheet1.xml")
    cases = {"laughs-in-sheet": (replace_part(base, "xl/worksheets/sheet1.xml", LAUGHS), "hostile-xml")}
    for part in ("xl/workbook.xml", "xl/styles.xml", "[Content_Types].xml", "_rels/.rels",
                 "xl/_rels/workbook.xml.rels", "docProps/core.xml", "xl/worksheets/sheet2.xml"):
        cases[f"dtd-in-{part}"] = (replace_part(base, part, _prolog(base, part, DTD)), "hostile-xml")
    cases["xxe-in-sheet"] = (replace_part(base, "xl/worksheets/sheet1.xml", _prolog(base, "xl/worksheets/sheet1.xml", XXE)),
                             "hostile-xml")
    cases["parameter-entity"] = (replace_part(base, "xl/styles.xml", _prolog(base, "xl/styles.xml", PARAM)), "hostile-xml")
    padded = sheet.replace(b"<sheetData>", b"<sheetData>" + b" " * (96 << 20), 1)
    cases["ratio-sheet"] = (replace_part(base, "xl/worksheets/sheet1.xml", padded, level=9), "zip-bomb")
    cases["ratio-media"] = (_add_member(base, "xl/media/image1.png", b"\0" * (96 << 20)), "zip-bomb")
    cases["forged-size"] = (forge_size(base, b"xl/worksheets/sheet1.xml", 0xFFFF0000), "zip-bomb")
    many = base
    for i in range(80):  # each under the ratio rule, together over the total limit
        many = _add_member(many, f"xl/media/m{i}.bin", b"x" * 64, level=0)
    cases["forged-total"] = (_forge_all(many, [f"xl/media/m{i}.bin".encode() for i in range(80)], 15 << 20),
                             "zip-bomb")
    far = sheet.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c>'
                                         b"</row></sheetData>")
    cases["far-cell"] = (replace_part(base, "xl/worksheets/sheet1.xml", far), "too-large")
    return cases


@pytest.fixture(scope="module")
def hostile_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    base = make_plain_tracker(folder / "base.xlsx").read_bytes()
    out = {}
    for name, (data, code) in _hostile_cases(base).items():
        path = folder / (re.sub(r"[^A-Za-z0-9.-]+", "_", name) + ".xlsx")
        path.write_bytes(data)
        assert len(data) < 4 << 20  # small on disk, every one of them
        out[name] = (path, code)
    return out


CASE_NAMES = [
    "laughs-in-sheet", "dtd-in-xl/workbook.xml", "dtd-in-xl/styles.xml", "dtd-in-[Content_Types].xml",
    "dtd-in-_rels/.rels", "dtd-in-xl/_rels/workbook.xml.rels", "dtd-in-docProps/core.xml",
    "dtd-in-xl/worksheets/sheet2.xml", "xxe-in-sheet", "parameter-entity", "ratio-sheet", "ratio-media",
    "forged-size", "forged-total", "far-cell"]


@pytest.mark.parametrize("case", CASE_NAMES)
def test_hostile_package_is_refused_by_validate_in_one_line_within_a_memory_bound(tmp_path, hostile_files, case):
    path, code = hostile_files[case]
    with pytest.raises(Exception) as err:  # the library: a SheetsyncError with its code
        read_xlsx(path)
    assert getattr(err.value, "code", None) == code, (case, err.value)
    for lang, word in (("en", ("refus", "limit")), ("zh", ("拒绝", "上限"))):
        rc, stderr, peak = _peak_rss(["validate", path, "--lang", lang], tmp_path)
        lines = stderr.strip().splitlines()
        assert rc == 2 and len(lines) == 1 and lines[0].startswith("sheetsync: "), (case, rc, stderr)
        assert "Traceback" not in stderr and any(w in lines[0] for w in word), lines[0]
        assert peak < MEMORY_BOUND_MIB, f"{case}: peak RSS {peak:.0f} MiB"


def test_every_hostile_case_is_covered(hostile_files):
    assert sorted(hostile_files) == sorted(CASE_NAMES)


# ---------------------------------------------------------------- formula-looking text stays text

FORMULAS = ['=IMPORTXML("http://127.0.0.1:9/x","//a")', "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
            "-2+3+cmd|' /C calc'!A0", '=HYPERLINK("http://evil.example/","click")', "=1+1", "=A1",
            "\t=1+1", " =SUM(A1:A9)", '=WEBSERVICE("http://127.0.0.1:9/")', "=cmd|'/c notepad'!'A1'",
            '="a"&"b"', "@A1", "+A1", "=", "==", '=IMAGE("http://127.0.0.1:9/p.png")']

M = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _hostile_tasks(rng: random.Random) -> tuple[list[dict], set[str]]:
    tasks, texts = [], set()
    for i in range(rng.randint(3, 10)):
        f = rng.choice(FORMULAS) + (f" {i}" if rng.random() < 0.5 else "")
        row = {"id": f"T{i}", "task": f"任务{i}", "owner": "张三", "status": "进行中",
               "deadline": dt.date(2026, 9, 1) + dt.timedelta(days=i)}
        where = rng.choice(["id", "task", "owner", "status", "deadline", "depends_on", "time_point", "duration"])
        row[where] = f
        if where == "id":
            f = row["id"] = f"{f} #{i}"  # ids stay unique
        texts.add(f.strip())
        tasks.append(row)
    return tasks, texts


def _xlsx_cells(path: Path) -> list[tuple[str, str, object]]:
    """(part, cell ref, element) for every <c> of every worksheet."""
    from lxml import etree
    out = []
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                root = etree.fromstring(z.read(name))
                out += [(name, c.get("r"), c) for c in root.iter(M + "c")]
    return out


def _cell_text(c) -> str | None:
    if c.get("t") == "inlineStr":
        return "".join(c.find(M + "is").itertext())
    return None


@pytest.mark.parametrize("seed", range(12))
def test_formula_text_stays_text_in_the_xlsx_and_in_google(tmp_path, emu, seed):
    rng = random.Random(seed)
    tasks, texts = _hostile_tasks(rng)
    path = make_tracker(tmp_path / "t.xlsx", tasks, campaign={"name": rng.choice(FORMULAS), "launch": dt.date(2026, 10, 12)})
    twin = tmp_path / "twin.xlsx"
    twin.write_bytes(path.read_bytes())

    # Excel: after sync no cell holds a formula that was not there before (openpyxl wrote the campaign name as
    # a real formula: a person's formula is left as it is), and the texts sit in string cells
    before = {(p, r) for p, r, c in _xlsx_cells(path) if c.find(M + "f") is not None}
    result = api.sync(path, today="2026-09-21", state=tmp_path / "state.db")
    assert result.changed
    cells = _xlsx_cells(path)
    assert {(p, r) for p, r, c in cells if c.find(M + "f") is not None} == before
    written = {}
    for part, ref, c in cells:
        text = _cell_text(c)
        if text is not None:
            written.setdefault(text.strip(), []).append((part, ref, c.get("t")))
        else:
            assert c.get("t") in (None, "n", "s", "b", "e", "d"), (part, ref, c.get("t"))
    report_texts = {str(v).strip() for row in result.plan.report.rows for v in row if isinstance(v, str)}
    for text in texts & report_texts:  # what sheetsync copied into its report: written as text, not formula
        assert text in written, text
    back = read_xlsx(path)
    values = {str(v).strip() for s in back.sheets for row in s.rows for v in row if isinstance(v, str)}
    assert texts <= values  # the person's cells read back as the same text

    # Google: only stringValue for every one of them; the only formulas are sheetsync's HYPERLINKs to cells
    key = load_xlsx(emu, twin)
    g = api.sync(f"gsheet:{key}", today="2026-09-21", state=tmp_path / "g.db")
    assert g.changed
    posts = [e.body for e in emu.request_log if e.method == "POST"]
    formulas = re.findall(r"'formulaValue': '((?:[^'\\]|\\.)*)'", str(posts))
    for f in formulas:
        assert re.fullmatch(r'=HYPERLINK\("#gid=\d+&range=[A-Z]+\d+","[^"]*![A-Z]+\d+"\)', f), f
    for sheet in emu.store.spreadsheets[key].sheets:
        title = sheet.properties["title"]
        for r, row in enumerate(emu.values(key, title)):
            for c, v in enumerate(row):
                if isinstance(v, str) and v.strip() in texts:
                    cell = emu.cell(key, title, f"{chr(65 + c) if c < 26 else 'A' + chr(65 + c - 26)}{r + 1}")
                    assert "formulaValue" not in cell.get("userEnteredValue", {}), (title, r, c, cell)


# ---------------------------------------------------------------- digest injection

HTML_PAYLOADS = ["<script>alert(1)</script>", '<img src=x onerror="alert(1)">', '"><svg/onload=alert(1)>',
                 "</td></tr></table><script>alert(2)</script>", "<a href='javascript:alert(1)'>x</a>",
                 "<iframe src=//evil.example>", "&lt;script&gt;", "<style>*{display:none}</style>",
                 "{{ 7*7 }}", "{% raw %}x", "<!--", "]]>"]
HEADER_PAYLOADS = ["x\r\nBcc: evil@example.com", "x\nBcc: evil@example.com", "x\rBcc: evil@example.com",
                   "=?UTF-8?Q?x=0A?=Bcc: evil@example.com", "x\u2028Bcc: evil@example.com",
                   "x\x85Bcc: evil@example.com", "x\r\n\r\nbody injected", "x\r\nSubject: hijack",
                   "x\r\nContent-Type: text/html", "y" * 2000 + "\r\nBcc: evil@example.com"]


class _Live(html.parser.HTMLParser):
    """Collects what a mail client would run: script/iframe/style tags, on* attributes, javascript: URLs."""

    def __init__(self):
        super().__init__()
        self.bad = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "iframe", "svg", "object", "embed"):
            self.bad.append(tag)
        for k, v in attrs:
            if k.startswith("on") or (v or "").strip().lower().startswith("javascript:"):
                self.bad.append(f"{tag} {k}={v}")


@pytest.mark.parametrize("seed", range(30))
def test_injection_through_any_digest_text_is_neutralised(tmp_path, seed):
    rng = random.Random(seed)
    pick = lambda: rng.choice(HTML_PAYLOADS + HEADER_PAYLOADS)  # noqa: E731
    lang = rng.choice(["zh", "en"])
    owner = pick()
    tasks = [task(i, pick(), rng.choice([owner, "Bob", pick()]), rng.choice(["in-progress", "not-started", "done"]),
                  dt.date(2026, 10, 13 + i % 4), rng.choice(["due-soon", "ok", "late", "done"]), lang=lang,
                  stage=rng.randrange(3))
             for i in range(1, rng.randint(3, 8))]
    report = make_report(lang, dt.date(2026, 10, 12), tasks)
    report.campaign.name = pick()
    report.campaign.owner = pick()
    report.sheet = rng.choice(["任务", "Tasks", '<b>"x"</b>'])
    report.people = {owner: Person(owner, "victim@example.com"), "Bob": Person("Bob", "bob@example.com")}
    with History(tmp_path / "state.db") as history:
        batch = build_digests(report, history, tracker=f"{pick()}.xlsx", today=report.today)
        with smtp_server() as (controller, rec):
            deliver(batch, history, smtp=SmtpSettings(host="127.0.0.1", port=controller.port, tls="none",
                                                      sender="Bot <bot@example.com>"))
        outbox = deliver(batch, history, outbox=tmp_path / "out", force=True)
    intended = {m.recipient for m in batch.messages}
    assert intended <= {"team@example.com", "boss@example.com", "victim@example.com", "bob@example.com"}
    assert len(rec.messages) == len(batch.messages)
    raws = [m.as_bytes() for _, _, m in rec.messages] + [p.read_bytes() for p in outbox.files if p.suffix == ".eml"]
    for _, rcpt, _ in rec.messages:
        assert set(rcpt) <= intended and "evil@example.com" not in rcpt
    for raw in raws:
        head = raw.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0]
        names = [line.split(b":", 1)[0].lower() for line in head.split(b"\n") if line and not line[:1].isspace()]
        assert b"bcc" not in names and names.count(b"subject") == 1 and names.count(b"to") == 1, names
        assert names.count(b"content-type") == 1  # "Bcc: evil@..." may remain as words inside the Subject
        parsed = message_from_bytes(raw, policy=policy.default)
        assert "\n" not in str(parsed["Subject"]) and "\r" not in str(parsed["Subject"])
        page = parsed.get_body(("html",)).get_content()
        live = _Live()
        live.feed(page)
        assert not live.bad, live.bad
        assert "<script>alert" not in page and "<style>*{display:none}" not in page and "<iframe" not in page
    for p in outbox.files:
        if p.suffix == ".html":
            live = _Live()
            live.feed(p.read_text(encoding="utf-8"))
            assert not live.bad, (p.name, live.bad)


# ---------------------------------------------------------------- credentials never leave

PASSWORD = "pw-Zq8!x7#secret-" + "%d" % os.getpid()


def _key_fragments(creds: Path) -> list[str]:
    info = json.loads(creds.read_text())
    body = [line for line in info["private_key"].splitlines() if line and not line.startswith("-----")]
    return body + [info["private_key"].replace("\n", "\\n")[40:120]]


def _leaks(root: Path, texts: list[str], secrets: list[str], skip: set[Path]) -> list[str]:
    found = []
    for s in secrets:
        for i, t in enumerate(texts):
            if s in t:
                found.append(f"output {i}: {s[:12]}…")
        for p in root.rglob("*"):
            if p.is_file() and p not in skip:
                data = p.read_bytes()
                if s.encode() in data:
                    found.append(f"{p}: {s[:12]}…")
    return found


def test_credentials_never_appear_in_any_output_log_report_or_state(tmp_path, emu, token_server):
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append(auth_data.password)
        return AuthResult(success=auth_data.password == PASSWORD.encode(), handled=False)  # False: send 535

    (tmp_path / "secrets").mkdir()  # outside the folder searched below
    creds = service_account_file(tmp_path / "secrets" / "sa.json", token_server.url)
    secrets = [PASSWORD] + _key_fragments(creds)
    texts: list[str] = []
    work = tmp_path / "work"
    work.mkdir()
    tracker = make_tracker(work / "tracker.xlsx", [
        {"id": "T1", "task": "海报", "owner": "张三", "status": "进行中", "deadline": dt.date(2026, 11, 20)},
        {"id": "T2", "task": "文案", "owner": "李四", "status": "未开始", "deadline": "2026-02-30"}],
        campaign={"name": "夏日", "launch": dt.date(2026, 12, 1), "recipients": "team@example.com"},
        people=[("张三", "zhang@example.com", "运营"), ("李四", "li@example.com", "设计部")])

    with smtp_server(Recorder(), authenticator=authenticator, auth_require_tls=False) as (controller, rec):
        smtp_env = {"SHEETSYNC_SMTP_HOST": "127.0.0.1", "SHEETSYNC_SMTP_PORT": str(controller.port),
                    "SHEETSYNC_SMTP_TLS": "none", "SHEETSYNC_SMTP_USER": "bot", "SHEETSYNC_SMTP_PASSWORD": PASSWORD,
                    "SHEETSYNC_SMTP_FROM": "bot@example.com", "GOOGLE_APPLICATION_CREDENTIALS": str(creds),
                    "SHEETSYNC_DEBUG": "1"}
        runs = [
            ["validate", tracker, "--today", "2026-11-23"],
            ["validate", tracker, "--today", "2026-11-23", "--format", "json"],
            ["sync", tracker, "--today", "2026-11-23"],
            ["digest", tracker, "--send", "--today", "2026-11-23"],
            ["digest", tracker, "--send", "--today", "2026-11-23", "--force", "--format", "json"],
            ["digest", tracker, "--outbox", work / "outbox", "--today", "2026-11-23", "--force"],
            ["validate", work / "missing.xlsx"],
        ]
        for args in runs:
            rc, out, err = _cli(args, env=smtp_env, cwd=work)
            assert rc in (0, 1, 2), (args, err)
            texts += [out, err]
        assert rec.messages and logins and all(p == PASSWORD.encode() for p in logins)
        # wrong password: the failure is reported, the password is not
        rc, out, err = _cli(["digest", tracker, "--send", "--today", "2026-11-30"],
                               env={**smtp_env, "SHEETSYNC_SMTP_PASSWORD": PASSWORD + "-wrong"}, cwd=work)
        assert rc != 0 and ("535" in out + err or "auth" in (out + err).lower())
        texts += [out, err]
        secrets.append(PASSWORD + "-wrong")

        # the jobs: nightly and digest with the password from the environment and a user in the config
        config = work / "sheetsync.toml"
        text = (ROOT / "jobs" / "example.toml").read_text(encoding="utf-8")
        text = (text.replace('state = "../.sheetsync-state"', 'state = "state"')
                .replace("port = 25", f"port = {controller.port}\nuser = \"bot\"")
                .replace('host = "localhost"', 'host = "127.0.0.1"')
                .replace('"../demo-output/夏日清凉服务季.xlsx"', '"tracker.xlsx"'))
        config.write_text(text, encoding="utf-8")
        job_env = {"SHEETSYNC_SMTP_PASSWORD": PASSWORD, "SHEETSYNC_DEBUG": "1"}
        for args in (["config", "check", "--config", config], ["run", "nightly", "--config", config, "--today", "2026-11-23"],
                     ["run", "digest", "--config", config, "--today", "2026-11-23"],
                     ["run", "digest", "--config", config, "--today", "2026-11-30"]):
            rc, out, err = _cli(args, env=job_env, cwd=work)
            assert rc in (0, 1), (args, out, err)
            texts += [out, err]
        rc, out, err = _cli(["run", "digest", "--config", config, "--today", "2026-12-07"],
                               env={**job_env, "SHEETSYNC_SMTP_PASSWORD": "wrong-" + PASSWORD}, cwd=work)
        texts += [out, err]
        secrets.append("wrong-" + PASSWORD)

    # Google: a service-account key signs in through the local token endpoint; success and failures
    key = load_xlsx(emu, tracker)
    g_env = {"SHEETSYNC_SHEETS_ENDPOINT": emu.base_url, "GOOGLE_APPLICATION_CREDENTIALS": str(creds),
             "SHEETSYNC_STATE": str(work / "g-state.db"), "SHEETSYNC_DEBUG": "1", "SHEETSYNC_SHEETS_TRIES": "2",
             "SHEETSYNC_SHEETS_BACKOFF": "0.01"}
    private = emu.create_spreadsheet("private", sheets={"Tasks": [["ID", "Task", "Owner"]]}, shared=False)
    for args in (["validate", f"gsheet:{key}", "--today", "2026-11-23"], ["sync", f"gsheet:{key}", "--today", "2026-11-23"],
                 ["sync", f"gsheet:{key}", "--today", "2026-11-23", "--dry-run"],
                 ["validate", f"gsheet:{private}"], ["validate", f"gsheet:{key}", "--credentials", creds, "--lang", "zh"]):
        rc, out, err = _cli(args, env=g_env, cwd=work)
        assert rc in (0, 1, 2), (args, err)
        texts += [out, err]
    assert token_server.grants
    emu.inject(status=500, times=20)
    rc, out, err = _cli(["sync", f"gsheet:{key}", "--today", "2026-11-24"], env=g_env, cwd=work)
    assert rc == 2
    texts += [out, err]

    for sid in emu.spreadsheet_ids():  # what sync wrote into Google: cells, notes and the report sheet
        texts.append(json.dumps(emu.store.spreadsheets[sid].__dict__, default=str, ensure_ascii=False))
    texts.append(str([(e.method, e.path, e.query, e.body) for e in emu.request_log]))
    leaks = _leaks(work, texts, secrets, skip=set())
    assert not leaks, leaks
    state_files = list(work.rglob("*.db")) + list(work.rglob("*.log")) + list(work.rglob("*.eml"))
    assert state_files  # the search above did look at state, logs and outbox
