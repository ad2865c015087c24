"""A state-wide dataset on PostgreSQL: 53 tenants (the NRW Kreise and kreisfreie Städte), their
municipalities, teams and case managers, N cases with their process instances, history, task
projection (open tasks of running cases, completed tasks of the rest), consents and programme facts.

    KIM_DATA_KEYS=<key> .venv/bin/python bench/statewide.py --cases 1000000 --history-per-case 5 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:55433/kim_statewide

How: `kim setup` (migrations, deploy, Kreis Paderborn with its demo accounts), then the other 52
tenants, then a dozen template cases run through the services (engine.cases.service.open_case,
engine.tasks.service.complete_task) to every stage of the lifecycle, so that the encrypted state,
the history's form data and the task rows have their real shape. Copies of those templates are then
bulk-loaded with PostgreSQL COPY: varied names (client record encrypted per case), municipalities,
case managers, dates 2019-2026 (every timestamp of a template is mapped in order onto the copy's own
timeline), statuses. Secondary indexes of the big tables are dropped for the load and recreated
from their own definitions afterwards; foreign-key triggers are off during the load
(session_replication_role = replica; the rows are consistent by construction).

What is simplified (see docs/performance.md): closed, non-anonymised copies share their template's
encrypted state and history form data (same ciphertext); running copies get their own state with
their own task ids (so their tasks can be completed through the API). Task ids are valid UUID
strings that start with the case id (so the primary-key index is filled in order). Cases closed more
than three years ago are stored anonymised, as the retention job would have left them
(names removed, client record and states emptied, history form data removed).

The database must be empty of cases; the script refuses otherwise. The same KIM_DATA_KEYS must be
set for the server that later reads the data.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import random
import re
import subprocess
import sys
import threading
import time
from bisect import bisect
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg

from bench.bench_common import ROOT, log

KIM = str(Path(sys.executable).parent / "kim")
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
BIG_TABLES = (
    "cases",
    "household_members",
    "process_instances",
    "history",
    "tasks",
    "consents",
    "programme_events",
    "timers",
)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
FIRST_DAY = date(2019, 1, 1)
RETENTION_DAYS = 1095

# The 53 tenants: (key, name, case prefix (licence plate), municipalities or city districts, kind)
KREISE = [
    ("aachen", "StädteRegion Aachen", "AC", 10),
    ("borken", "Kreis Borken", "BOR", 17),
    ("coesfeld", "Kreis Coesfeld", "COE", 11),
    ("dueren", "Kreis Düren", "DN", 15),
    ("ennepe-ruhr", "Ennepe-Ruhr-Kreis", "EN", 9),
    ("euskirchen", "Kreis Euskirchen", "EU", 11),
    ("guetersloh", "Kreis Gütersloh", "GT", 13),
    ("heinsberg", "Kreis Heinsberg", "HS", 10),
    ("herford", "Kreis Herford", "HF", 9),
    ("hochsauerland", "Hochsauerlandkreis", "HSK", 12),
    ("hoexter", "Kreis Höxter", "HX", 10),
    ("kleve", "Kreis Kleve", "KLE", 16),
    ("lippe", "Kreis Lippe", "LIP", 16),
    ("maerkischer-kreis", "Märkischer Kreis", "MK", 15),
    ("mettmann", "Kreis Mettmann", "ME", 10),
    ("minden-luebbecke", "Kreis Minden-Lübbecke", "MI", 11),
    ("oberberg", "Oberbergischer Kreis", "GM", 13),
    ("olpe", "Kreis Olpe", "OE", 7),
    ("paderborn", "Kreis Paderborn", "PB", 10),
    ("recklinghausen", "Kreis Recklinghausen", "RE", 10),
    ("rhein-erft", "Rhein-Erft-Kreis", "BM", 10),
    ("rheinisch-bergisch", "Rheinisch-Bergischer Kreis", "GL", 8),
    ("rhein-kreis-neuss", "Rhein-Kreis Neuss", "NE", 8),
    ("rhein-sieg", "Rhein-Sieg-Kreis", "SU", 19),
    ("siegen-wittgenstein", "Kreis Siegen-Wittgenstein", "SI", 11),
    ("soest", "Kreis Soest", "SO", 14),
    ("steinfurt", "Kreis Steinfurt", "ST", 24),
    ("unna", "Kreis Unna", "UN", 10),
    ("viersen", "Kreis Viersen", "VIE", 9),
    ("warendorf", "Kreis Warendorf", "WAF", 13),
    ("wesel", "Kreis Wesel", "WES", 13),
]
STAEDTE = [
    ("bielefeld", "Stadt Bielefeld", "BI", 10),
    ("bochum", "Stadt Bochum", "BO", 6),
    ("bonn", "Bundesstadt Bonn", "BN", 4),
    ("bottrop", "Stadt Bottrop", "BOT", 3),
    ("dortmund", "Stadt Dortmund", "DO", 12),
    ("duisburg", "Stadt Duisburg", "DU", 7),
    ("duesseldorf", "Landeshauptstadt Düsseldorf", "D", 10),
    ("essen", "Stadt Essen", "E", 9),
    ("gelsenkirchen", "Stadt Gelsenkirchen", "GE", 5),
    ("hagen", "Stadt Hagen", "HA", 5),
    ("hamm", "Stadt Hamm", "HAM", 7),
    ("herne", "Stadt Herne", "HER", 4),
    ("koeln", "Stadt Köln", "K", 9),
    ("krefeld", "Stadt Krefeld", "KR", 9),
    ("leverkusen", "Stadt Leverkusen", "LEV", 3),
    ("moenchengladbach", "Stadt Mönchengladbach", "MG", 10),
    ("muelheim", "Stadt Mülheim an der Ruhr", "MH", 3),
    ("muenster", "Stadt Münster", "MS", 6),
    ("oberhausen", "Stadt Oberhausen", "OB", 3),
    ("remscheid", "Stadt Remscheid", "RS", 4),
    ("solingen", "Stadt Solingen", "SG", 5),
    ("wuppertal", "Stadt Wuppertal", "W", 10),
]
assert len(KREISE) + len(STAEDTE) == 53

GIVEN = [
    "Amina",
    "Ahmad",
    "Fatima",
    "Mohammad",
    "Olena",
    "Oleksandr",
    "Zainab",
    "Ali",
    "Mariam",
    "Hassan",
    "Nour",
    "Yusuf",
    "Daria",
    "Andrii",
    "Leyla",
    "Omar",
    "Hawa",
    "Abdi",
    "Shirin",
    "Reza",
    "Iryna",
    "Mykola",
    "Sara",
    "Ibrahim",
    "Aisha",
    "Mustafa",
    "Yasmin",
    "Khaled",
    "Kateryna",
    "Dmytro",
    "Samira",
    "Tesfay",
    "Helen",
    "Mamadou",
    "Fatoumata",
    "Elif",
    "Emre",
    "Rania",
    "Bashir",
    "Nadia",
    "Anna",
    "Lukas",
    "Maria",
    "Viktor",
    "Natalia",
    "Jonas",
    "Yara",
    "Karim",
    "Salma",
    "Hamid",
    "Zahra",
    "Marta",
    "Piotr",
    "Ayse",
]
FAMILY_STEMS = [
    "Haddad",
    "Rahimi",
    "Hosseini",
    "Kovalenko",
    "Shevchenko",
    "Al-Khatib",
    "Yousef",
    "Mahmoud",
    "Karimi",
    "Bondarenko",
    "Tkachenko",
    "Ahmadi",
    "Sultani",
    "Barzani",
    "Hamdan",
    "Okonkwo",
    "Diallo",
    "Bah",
    "Tesfaye",
    "Gebremedhin",
    "Yilmaz",
    "Demir",
    "Nazari",
    "Rezaei",
    "Melnyk",
    "Kravchenko",
    "Saleh",
    "Omar",
    "Hussein",
    "Abdullah",
    "Jafari",
    "Mohammadi",
    "Sidibe",
    "Camara",
    "Berhane",
    "Aziz",
    "Farah",
    "Nasser",
    "Popova",
    "Kaya",
    "Celik",
    "Sahin",
    "Öztürk",
    "Arslan",
    "Koch",
    "Schmidt",
    "Nowak",
    "Kowalski",
    "Ivanova",
    "Petrenko",
    "Moroz",
    "Lysenko",
    "Haidari",
    "Safi",
    "Noori",
    "Qasemi",
    "Mansour",
    "Khalil",
    "Ibrahimi",
    "Abbas",
    "Suleiman",
    "Mensah",
    "Owusu",
    "Traore",
    "Keita",
    "Haile",
    "Tekle",
    "Osman",
    "Warsame",
    "Ali-Hassan",
    "Gashi",
    "Krasniqi",
    "Berisha",
    "Hoxha",
]
SUFFIXES = ["", "", "", "i", "ov", "a", "-Ahmed", "-Khan", "ani", "zadeh", "enko", "y"]
FAMILY = sorted({s + x for s in FAMILY_STEMS for x in SUFFIXES})
NATIONALITIES = [
    ("syrisch", ["ar"]),
    ("ukrainisch", ["uk", "ru"]),
    ("afghanisch", ["fa", "ps"]),
    ("irakisch", ["ar", "ku"]),
    ("türkisch", ["tr"]),
    ("eritreisch", ["ti"]),
    ("guineisch", ["fr"]),
    ("iranisch", ["fa"]),
    ("somalisch", ["so"]),
    ("nigerianisch", ["en"]),
    ("georgisch", ["ka"]),
]

# --------------------------------------------------------------------------- templates

# name -> (steps, share, days from opening to the template's last step: (lo, hi))
# Running templates are opened this many days before today; closed ones are closed this many days
# after opening.
EV_GO = {
    "evaluation_date": "2026-11-15",
    "continue": True,
    "progress": [{"goal": "Eigene Wohnung", "status": "in_progress"}],
}
EV_STOP = {**EV_GO, "continue": False}


def _steps():
    from tests import lifecycle_data as d

    fc, yes, no = ("first_contact", d.FIRST_CONTACT), ("consent", d.CONSENT_YES), ("consent", d.CONSENT_NO)
    a_ref, a_acc = ("assessment", d.ASSESS_REFERRAL), ("assessment", d.ASSESS_ACCOMPANY)
    ref, goals = ("referral", d.REFERRAL), ("goal_agreement", d.GOALS)
    final_all = ("final_evaluation", d.FINAL)
    final_partly = ("final_evaluation", {**d.FINAL, "goals_met": "partly"})
    ev_go, ev_stop = ("evaluation", EV_GO), ("evaluation", EV_STOP)
    return {
        # running: the open task is the next one of the lifecycle
        "run_first_contact": ([], 0.10, (0, 20)),
        "run_consent": ([fc], 0.10, (1, 40)),
        "run_assessment": ([fc, yes], 0.10, (5, 60)),
        "run_referral": ([fc, yes, a_ref], 0.08, (10, 80)),
        "run_goals": ([fc, yes, a_acc], 0.10, (10, 90)),
        "run_evaluation": ([fc, yes, a_acc, goals], 0.30, (30, 400)),
        "run_evaluation_3": ([fc, yes, a_acc, goals, ev_go, ev_go], 0.14, (150, 600)),
        "run_final": ([fc, yes, a_acc, goals, ev_go, ev_stop], 0.08, (200, 700)),
        # closed
        "closed_no_consent": ([fc, no], 0.18, (0, 21)),
        "closed_referred": ([fc, yes, a_ref, ref, ("closure", d.CLOSURE_REFERRED)], 0.37, (7, 90)),
        "closed_goals_met": (
            [fc, yes, a_acc, goals, ev_go, ev_stop, final_all, ("closure", d.CLOSURE_GOALS_MET)],
            0.27,
            (120, 720),
        ),
        "closed_partly": (
            [
                fc,
                yes,
                a_acc,
                goals,
                ev_go,
                ev_go,
                ev_stop,
                final_partly,
                ("closure", {"closure_reason": "moved_away", "closure_date": "2026-11-30"}),
            ],
            0.18,
            (150, 900),
        ),
    }


def _table_columns(cur, table: str) -> list[str]:
    cur.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
        "AND table_schema = current_schema() ORDER BY ordinal_position",
        (table,),
    )
    return [r[0] for r in cur.fetchall()]


def _text_rows(cur, table: str, where: str, params, order: str = "id") -> tuple[list[str], list[list]]:
    cols = _table_columns(cur, table)
    cur.execute(
        f"SELECT {', '.join(f'{c}::text' for c in cols)} FROM {table} WHERE {where} ORDER BY {order}", params
    )
    return cols, [list(r) for r in cur.fetchall()]


def run_templates(url: str) -> dict[str, int]:
    """Run one case per template through the services (cm-borchen, Kreis Paderborn); case ids."""
    from sqlalchemy import select

    from engine import crypto, hooks
    from engine.access.actor import Actor
    from engine.access.models import User
    from engine.cases.service import open_case
    from engine.config import Settings
    from engine.db import make_engine, make_session_factory
    from engine.errors import KimError
    from engine.goals.service import goals_of
    from engine.tasks.models import READY, TaskRecord
    from engine.tasks.service import complete_task
    from engine.uow import begin
    from tests.api.helpers import CLIENT

    crypto.configure(Settings.from_env())
    hooks.wire()  # as every start-up does: the services run process steps
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    out = {}
    with sessions() as s:
        begin(s, write=True)  # one writing unit; the services check for it (engine/uow.py)
        u = s.scalars(select(User).where(User.username == "cm-borchen")).one()
        actor = Actor(u.id, u.username, u.role, u.tenant_id, u.municipality_id, u.team_id, u.agency)
        for name, (steps, _share, _span) in _steps().items():
            case = open_case(s, user=actor, municipality="Borchen", client=CLIENT)
            s.commit()
            for bpmn_id, step_data in steps:
                task_id = s.scalar(
                    select(TaskRecord.id).where(
                        TaskRecord.case_id == case.id,
                        TaskRecord.bpmn_id == bpmn_id,
                        TaskRecord.status == READY,
                    )
                )
                assert task_id, (name, bpmn_id)
                data = step_data
                if bpmn_id == "evaluation":  # the goal agreement's goals are rows: progress picks them by id
                    picks = [{"goal_id": g.id, "status": "in_progress"} for g in goals_of(s, case.id)]
                    data = {**step_data, "progress": picks}
                try:
                    complete_task(s, user=actor, task_id=task_id, data=data)
                except KimError as e:
                    raise SystemExit(f"template {name}, step {bpmn_id}: {e.detail} {e.extra or ''}") from e
                s.commit()
            out[name] = case.id
    engine.dispose()
    return out


def _escape(value) -> str:
    if value is None:
        return "\\N"
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


# The column order the row builders below rely on (checked against the database).
EXPECTED_COLUMNS = {
    "cases": [
        "id",
        "case_number",
        "pseudonym",
        "tenant_id",
        "municipality_id",
        "team_id",
        "status",
        "closure_reason",
        "route",
        "opened_at",
        "closed_at",
        "case_manager_id",
        "family_name",
        "given_name",
        "client",
        "legal_hold",
        "legal_hold_reason",
        "deletion_due_at",
        "anonymised_at",
    ],
    "history": [
        "id",
        "instance_id",
        "case_id",
        "task_id",
        "bpmn_id",
        "name",
        "kind",
        "state",
        "lane",
        "at",
        "user_id",
        "data",
        "tenant_id",
    ],
    "tasks": [
        "id",
        "instance_id",
        "case_id",
        "tenant_id",
        "municipality_id",
        "team_id",
        "bpmn_id",
        "name",
        "form_key",
        "lane",
        "role",
        "status",
        "assignee_id",
        "created_at",
        "due_at",
        "completed_at",
        "completed_by_id",
        "process_id",
    ],
    "consents": [
        "id",
        "case_id",
        "kind",
        "agency",
        "form_version",
        "given_on",
        "recorded_at",
        "recorded_by_id",
        "task_id",
        "withdrawn_at",
        "withdrawn_by_id",
        "sheet_language",
        "sheet_version",
        "interpreter_service",
        "scan_document_id",
        "tenant_id",
    ],
    "programme_events": [
        "id",
        "tenant_id",
        "kind",
        "code",
        "municipality_id",
        "team_id",
        "case_id",
        "topic_id",
        "occurred_on",
        "school_year",
        "recorded_at",
        "member_id",
    ],
}


class Template:
    """One template case's rows as COPY text, with what varies per copy marked."""

    TS_COLS = frozenset(
        {
            "opened_at",
            "closed_at",
            "created_at",
            "updated_at",
            "at",
            "completed_at",
            "recorded_at",
            "scheduled_for",
            "due_at",
            "deletion_due_at",
        }
    )

    def __init__(self, cur, name: str, case_id: int, share: float, span: tuple[int, int]):
        from engine import crypto

        self.name, self.share, self.span = name, share, span
        self.case_cols, (case,) = _text_rows(cur, "cases", "id = %s", (case_id,))
        self.case = dict(zip(self.case_cols, case, strict=True))
        self.running = self.case["status"] == "open"
        self.inst_cols, insts = _text_rows(cur, "process_instances", "case_id = %s", (case_id,))
        assert len(insts) == 1, "one lifecycle instance per case"
        self.inst = dict(zip(self.inst_cols, insts[0], strict=True))
        iid = int(self.inst["id"])
        self.tables = {}
        for table, where, param in [
            ("household_members", "case_id = %s", case_id),
            ("history", "case_id = %s", case_id),
            ("tasks", "case_id = %s", case_id),
            ("consents", "case_id = %s", case_id),
            ("programme_events", "case_id = %s", case_id),
            ("timers", "instance_id = %s", iid),
        ]:
            order = "created_at, id" if table == "tasks" else "id"
            self.tables[table] = _text_rows(cur, table, where, (param,), order)
        # Every timestamp of the template, in order: mapped onto each copy's timeline by rank.
        stamps = {self.case["opened_at"], self.inst["created_at"], self.inst["updated_at"]}
        for cols, rows in self.tables.values():
            for row in rows:
                stamps.update(
                    v for c, v in zip(cols, row, strict=True) if c in self.TS_COLS and v and c != "due_at"
                )
        parsed = sorted({_parse_ts(s) for s in stamps})
        t0, t1 = parsed[0], parsed[-1]
        self.frac = {}
        for s in stamps:
            t = _parse_ts(s)
            # rank-based: the template ran in a second; its order is what matters
            self.frac[s] = parsed.index(t) / max(1, len(parsed) - 1)
        del t0, t1
        # The ids a copy renames: every task id in the state and in the rows.
        plain = crypto.decrypt_text(self.inst["state"])
        self.state_ids = sorted(set(UUID_RE.findall(plain)))
        ids = set(self.state_ids)
        for table in ("history", "tasks", "consents", "timers"):
            cols, rows = self.tables[table]
            k = cols.index("task_id") if "task_id" in cols else cols.index("id")
            ids.update(r[k] for r in rows if r[k])
        self.ids = sorted(ids)
        self.id_index = {tid: j for j, tid in enumerate(self.ids)}
        self.id_suffixes = [(f"{j:04x}", f"{j & 0xFF:02x}") for j in range(len(self.ids))]
        self.state_parts = UUID_RE.split(plain)
        self.state_refs = [self.id_index[m] for m in UUID_RE.findall(plain)]
        self.history_rows = len(self.tables["history"][1])
        self.escaped = {
            table: [[_escape(v) for v in row] for row in rows] for table, (_c, rows) in self.tables.items()
        }
        for table, expected in EXPECTED_COLUMNS.items():
            got = self.case_cols if table == "cases" else self.tables[table][0]
            assert got == expected, (table, got)
        self.empty_state = crypto.encrypt_text("")

    def state_for(self, new_ids: list[str]) -> str:
        from engine import crypto

        parts, refs = self.state_parts, self.state_refs
        out = [parts[0]]
        for k, ref in enumerate(refs):
            out.append(new_ids[ref])
            out.append(parts[k + 1])
        return crypto.encrypt_text("".join(out))


@cache
def _name_key(family: str) -> str | None:
    from engine.households.keys import name_key

    return name_key(family)


def _parse_ts(s: str) -> float:
    return datetime.fromisoformat(s).timestamp()


# --------------------------------------------------------------------------- organisation


def create_organisation(conn, rng: random.Random, password_hash: str) -> list[dict]:
    """The 53 tenants with municipalities (city districts), a county-wide team and accounts; scopes."""
    now = datetime.now(UTC)
    cur = conn.cursor()
    scopes = []
    for kind, rows in (("kreis", KREISE), ("stadt", STAEDTE)):
        for key, name, prefix, places in rows:
            cur.execute("SELECT id FROM tenants WHERE key = %s", (key,))
            found = cur.fetchone()
            if found:
                tenant_id = found[0]
            else:
                cur.execute(
                    "INSERT INTO tenants (key, name, case_prefix) VALUES (%s, %s, %s) RETURNING id",
                    (key, name, prefix),
                )
                tenant_id = cur.fetchone()[0]
                base = name.split(" ", 1)[-1] if kind == "stadt" else name
                for n in range(1, places + 1):
                    label = f"{base}, Stadtbezirk {n}" if kind == "stadt" else f"{base}, Gemeinde {n}"
                    cur.execute(
                        "INSERT INTO municipalities (tenant_id, key, name, has_case_management) "
                        "VALUES (%s, %s, %s, true)",
                        (tenant_id, f"{kind[0]}{n:02d}", label),
                    )
                cur.execute(
                    "INSERT INTO teams (tenant_id, key, name, description) VALUES (%s, 'uma', %s, %s)",
                    (tenant_id, "UmA-Team", f"UmA-Team {name}"),
                )
            cur.execute("SELECT id, key FROM municipalities WHERE tenant_id = %s ORDER BY id", (tenant_id,))
            places_rows = cur.fetchall()
            cur.execute("SELECT id, key FROM teams WHERE tenant_id = %s ORDER BY id", (tenant_id,))
            team_rows = cur.fetchall()

            def account(username, role, municipality_id=None, team_id=None, tenant_id=tenant_id):
                cur.execute(
                    "INSERT INTO users (username, display_name, password_hash, role, tenant_id, "
                    "municipality_id, team_id, active, created_at, failed_logins) VALUES "
                    "(%s, %s, %s, %s, %s, %s, %s, true, %s, 0) ON CONFLICT (tenant_id, username) DO NOTHING "
                    "RETURNING id",
                    (username, username, password_hash, role, tenant_id, municipality_id, team_id, now),
                )
                row = cur.fetchone()
                if row is None:
                    cur.execute(
                        "SELECT id FROM users WHERE tenant_id = %s AND username = %s", (tenant_id, username)
                    )
                    row = cur.fetchone()
                return row[0]

            account(f"koord-{key}", "coordinator")
            account(f"lg-{key}", "steering")
            for mid, mkey in places_rows:
                cms = [account(f"cm-{key}-{mkey}-{n}", "case_manager", municipality_id=mid) for n in (1, 2)]
                scopes.append(
                    {
                        "tenant_id": tenant_id,
                        "prefix": prefix,
                        "municipalities": [mid],
                        "team_id": None,
                        "cms": cms,
                        "weight": rng.uniform(0.45, 1.45),
                        "label": f"cm-{key}-{mkey}-1",
                    }
                )
            places_ids = [m for m, _k in places_rows]
            for tid, tkey in team_rows[:1]:
                cms = [account(f"cm-{key}-{tkey}-{n}", "case_manager", team_id=tid) for n in (1, 2)]
                scopes.append(
                    {
                        "tenant_id": tenant_id,
                        "prefix": prefix,
                        "municipalities": places_ids,
                        "team_id": tid,
                        "cms": cms,
                        "weight": rng.uniform(0.45, 1.45),
                        "label": f"cm-{key}-{tkey}-1",
                    }
                )
    conn.commit()
    return scopes


# --------------------------------------------------------------------------- copies

DAY_CACHE: dict[int, str] = {}
SECS = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(86400)]


def ts_text(t: int) -> str:
    d, s = divmod(t, 86400)
    day = DAY_CACHE.get(d)
    if day is None:
        day = DAY_CACHE[d] = (date(1970, 1, 1) + timedelta(days=d)).isoformat()
    return f"{day} {SECS[s]}+00"


def day_text(t: int) -> str:
    d = t // 86400
    day = DAY_CACHE.get(d)
    if day is None:
        day = DAY_CACHE[d] = (date(1970, 1, 1) + timedelta(days=d)).isoformat()
    return day


YEAR_CACHE: dict[int, str] = {}


def school_year(t: int) -> str:
    d = t // 86400
    y = YEAR_CACHE.get(d)
    if y is None:
        day = date(1970, 1, 1) + timedelta(days=d)
        start = day.year if day.month >= 8 else day.year - 1
        y = YEAR_CACHE[d] = f"{start}/{(start + 1) % 100:02d}"
    return y


class Copier:
    """Produces COPY text for batches of copied cases."""

    def __init__(
        self,
        templates: list[Template],
        scopes: list[dict],
        ids: dict[str, int],
        today: date,
        history_total: int,
        cases: int,
        running_share: float,
        seed: int,
        process_version_id: str,
    ):
        from engine import crypto

        self.crypto = crypto
        self.templates = templates
        self.scopes = scopes
        self.next_id = dict(ids)
        self.today_s = int((datetime(today.year, today.month, today.day, tzinfo=UTC) - EPOCH).total_seconds())
        self.first_s = int((datetime(2019, 1, 1, tzinfo=UTC) - EPOCH).total_seconds())
        self.rng = random.Random(seed)
        cum, acc = [], 0.0
        for s in scopes:
            acc += s["weight"]
            cum.append(acc)
        self.scope_cum = cum
        running = [t for t in templates if t.running]
        closed = [t for t in templates if not t.running]
        self.tpl_choices, self.tpl_cum = [], []
        acc = 0.0
        for group, share in ((running, running_share), (closed, 1 - running_share)):
            total = sum(t.share for t in group)
            for t in group:
                acc += share * t.share / total
                self.tpl_choices.append(t)
                self.tpl_cum.append(acc)
        # History rows per case: each template's rows scaled so that the total hits the target.
        expected = sum(
            (c2 - c1) * t.history_rows
            for t, c1, c2 in zip(self.tpl_choices, [0.0, *self.tpl_cum[:-1]], self.tpl_cum, strict=True)
        )
        self.expected_rows = expected
        self.history_left = history_total
        self.cases_left = cases
        self.err = 0.0
        self.subsets: dict[tuple[int, int], list[int]] = {}
        self.empty_client = crypto.encrypt_text("{}")
        self.removed = "(gelöscht)"
        self.pv = process_version_id
        self.counts = dict.fromkeys(BIG_TABLES, 0)

    def _history_count(self, t: Template) -> int:
        # scale by what is still to place, so the total hits the target whatever the template mix
        scale = self.history_left / (self.cases_left * self.expected_rows)
        want = t.history_rows * scale + self.err
        k = max(1, round(want))
        if self.cases_left == 1:
            k = max(1, self.history_left)
        self.err = want - k
        self.cases_left -= 1
        self.history_left -= k
        return k

    def _subset(self, t: Template, k: int) -> list[int]:
        key = (id(t), k)
        got = self.subsets.get(key)
        if got is None:
            n = t.history_rows
            got = [min(n - 1, (j * n) // k) for j in range(k)] if k <= n else [j % n for j in range(k)]
            self.subsets[key] = got
        return got

    def batch(self, n: int) -> dict[str, list[str]]:
        rng, crypto = self.rng, self.crypto
        out = {t: [] for t in BIG_TABLES}
        day = 86400
        for _ in range(n):
            t = self.tpl_choices[bisect(self.tpl_cum, rng.random() * self.tpl_cum[-1])]
            scope = self.scopes[bisect(self.scope_cum, rng.random() * self.scope_cum[-1])]
            case_id = self.next_id["cases"]
            self.next_id["cases"] += 1
            inst_id = self.next_id["process_instances"]
            self.next_id["process_instances"] += 1
            lo, hi = t.span
            if t.running:
                opened = self.today_s - rng.randint(lo * day, hi * day + day - 1)
                opened = max(opened, self.first_s)
                end = opened + int((self.today_s - opened) * rng.uniform(0.4, 1.0))
                closed = None
            else:
                opened = rng.randint(self.first_s, self.today_s - 2 * day)
                end = min(opened + rng.randint(lo * day, hi * day + day - 1), self.today_s - day)
                closed = end
            span = end - opened
            deletion_due = closed + RETENTION_DAYS * day if closed else None
            anonymised = deletion_due is not None and deletion_due < self.today_s
            cm = scope["cms"][case_id % 2]
            municipality = scope["municipalities"][rng.randrange(len(scope["municipalities"]))]
            team = scope["team_id"]
            tenant = scope["tenant_id"]
            frac = t.frac

            def ts(s, _o=opened, _sp=span, _f=frac):
                return ts_text(_o + int(_f[s] * _sp))

            # task ids: valid UUID strings starting with the case id, so index inserts stay in order
            r = rng.getrandbits(64)
            head = f"{case_id:08x}-"
            tail = f"-4{(r >> 52) & 0xFFF:03x}-a{(r >> 40) & 0xFFF:03x}-{r & 0xFFFFFFFFFF:010x}"
            new_ids = [head + j4 + tail + j2 for j4, j2 in t.id_suffixes]
            idx = t.id_index
            # case
            c = t.case
            given = rng.choice(GIVEN)
            family = rng.choice(FAMILY)
            if anonymised:
                client, given_out, family_out = self.empty_client, self.removed, self.removed
            else:
                nat, langs = NATIONALITIES[rng.randrange(len(NATIONALITIES))]
                birth = date(rng.randint(1960, 2007), rng.randint(1, 12), rng.randint(1, 28)).isoformat()
                client = crypto.encrypt_text(
                    json.dumps(
                        {
                            "given_name": given,
                            "family_name": family,
                            "birth_date": birth,
                            "nationality": nat,
                            "languages": langs,
                        },
                        ensure_ascii=False,
                        separators=(",", ":"),
                    )
                )
                given_out, family_out = given, family
            year = ts_text(opened)[:4]
            pseudonym = f"K-{(case_id * 0x9E3779B97F) & 0xFFFFFFFFFF:010X}"
            out["cases"].append(
                "\t".join(
                    (
                        str(case_id),
                        f"{scope['prefix']}-{year}-{case_id:06d}",
                        pseudonym,
                        str(tenant),
                        str(municipality),
                        str(team) if team else "\\N",
                        c["status"],
                        _escape(c["closure_reason"]),
                        _escape(c["route"]),
                        ts_text(opened),
                        ts_text(closed) if closed else "\\N",
                        str(cm),
                        family_out,
                        given_out,
                        json.dumps(client),
                        "false",
                        "\\N",
                        ts_text(deletion_due) if deletion_due else "\\N",
                        ts_text(deletion_due) if anonymised else "\\N",
                    )
                )
            )
            # the household: the template's members (the person the case was opened for), with this
            # copy's names, as open_case writes them (engine/households/service.first_member)
            cols, rows = t.tables["household_members"]
            members: dict[str, str] = {}  # the template's member id -> the copy's
            for row in rows:
                vals = dict(zip(cols, row, strict=True))
                members[vals["id"]] = str(self.next_id["household_members"])
                vals.update(
                    id=str(self.next_id["household_members"]),
                    case_id=str(case_id),
                    tenant_id=str(tenant),
                    family_name=family_out,
                    given_name=given_out,
                    name_key=None if anonymised else _name_key(family_out),
                    person=json.dumps(client),
                    joined_at=ts_text(opened),
                )
                self.next_id["household_members"] += 1
                out["household_members"].append("\t".join(_escape(vals[c2]) for c2 in cols))
            # instance
            if anonymised:
                state = t.empty_state
            elif t.running:
                state = t.state_for(new_ids)
            else:
                state = t.inst["state"]
            i = t.inst
            vals = {
                "id": str(inst_id),
                "case_id": str(case_id),
                "process_version_id": self.pv,
                "process_id": i["process_id"],
                "status": i["status"],
                "state": state,
                "lock_version": i["lock_version"],
                "started_by_id": "\\N",
                "tenant_id": str(tenant),
                "created_at": ts(i["created_at"]),
                "updated_at": ts(i["updated_at"]),
                # the heat map's last seen steps (engine/insight/steps.py): none, as for an instance from
                # before migration 0032, whose next step reads its earlier heat-map rows once
                "insight_seen": "\\N",
            }
            out["process_instances"].append("\t".join(vals[c2] for c2 in t.inst_cols))
            # history (scaled to the target count)
            cols, rows = t.tables["history"]
            erows = t.escaped["history"]
            for k in self._subset(t, self._history_count(t)):
                row, e = rows[k], erows[k]
                hid = self.next_id["history"]
                self.next_id["history"] += 1
                data = row[11]
                out["history"].append(
                    "\t".join(
                        (
                            str(hid),
                            str(inst_id),
                            str(case_id),
                            new_ids[idx[row[3]]] if row[3] else "\\N",
                            e[4],
                            e[5],
                            e[6],
                            e[7],
                            e[8],
                            ts(row[9]),
                            str(cm) if row[10] else "\\N",
                            "\\N" if (data is None or anonymised) else e[11],
                            str(tenant),
                        )
                    )
                )
            # tasks: every template task row (completed ones and, for running cases, the open one)
            cols, rows = t.tables["tasks"]
            for row, e in zip(rows, t.escaped["tasks"], strict=True):
                created = opened + int(frac[row[13]] * span)
                due = "\\N"
                if row[14]:
                    due = ts_text(created + int(_parse_ts(row[14]) - _parse_ts(row[13])))
                out["tasks"].append(
                    "\t".join(
                        (
                            new_ids[idx[row[0]]],
                            str(inst_id),
                            str(case_id),
                            str(tenant),
                            str(municipality),
                            str(team) if team else "\\N",
                            e[6],
                            e[7],
                            e[8],
                            e[9],
                            row[10],
                            row[11],
                            "\\N",
                            ts_text(created),
                            due,
                            ts(row[15]) if row[15] else "\\N",
                            str(cm) if row[16] else "\\N",
                            e[17],
                        )
                    )
                )
            # consents
            cols, rows = t.tables["consents"]
            for row, e in zip(rows, t.escaped["consents"], strict=True):
                cid = self.next_id["consents"]
                self.next_id["consents"] += 1
                rec = opened + int(frac[row[6]] * span)
                out["consents"].append(
                    "\t".join(
                        (
                            str(cid),
                            str(case_id),
                            e[2],
                            e[3],
                            e[4],
                            day_text(rec),
                            ts_text(rec),
                            str(cm),
                            new_ids[idx[row[8]]] if row[8] else "\\N",
                            "\\N",
                            "\\N",
                            e[11],
                            e[12],
                            e[13],
                            "\\N",  # no scanned sheet
                            str(tenant),
                        )
                    )
                )
            # programme facts: dated by when the copy's step was recorded
            cols, rows = t.tables["programme_events"]
            for row, e in zip(rows, t.escaped["programme_events"], strict=True):
                pid = self.next_id["programme_events"]
                self.next_id["programme_events"] += 1
                rec = opened + int(frac[row[10]] * span)
                out["programme_events"].append(
                    "\t".join(
                        (
                            str(pid),
                            str(tenant),
                            e[2],
                            e[3],
                            str(municipality),
                            str(team) if team else "\\N",
                            str(case_id),
                            "\\N",
                            day_text(rec),
                            school_year(rec),
                            ts_text(rec),
                            members.get(row[11], "\\N") if row[11] else "\\N",
                        )
                    )
                )
            # timers (none in the lifecycle today; copied if a template has any)
            cols, rows = t.tables["timers"]
            for row in rows:
                tid = self.next_id["timers"]
                self.next_id["timers"] += 1
                vals = dict(zip(cols, row, strict=True))
                vals.update(id=str(tid), instance_id=str(inst_id), task_id=new_ids[idx[vals["task_id"]]])
                vals.update(tenant_id=str(tenant))
                out["timers"].append("\t".join(_escape(vals[c2]) for c2 in cols))
        for table, lines in out.items():
            self.counts[table] += len(lines)
        return out


# --------------------------------------------------------------------------- main


def _pg_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def _kim(url: str, *args: str) -> None:
    env = {**os.environ, "KIM_DATABASE_URL": url, "KIM_DEMO": "1", "KIM_LOG_LEVEL": "WARNING"}
    subprocess.run([KIM, *args], check=True, env=env, cwd=ROOT, capture_output=True)


def _secondary_indexes(cur) -> list[tuple[str, str]]:
    cur.execute(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
        ORDER BY i.tablename, i.indexname""",
        (list(BIG_TABLES),),
    )
    return cur.fetchall()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--history-per-case", type=float, default=5.0)
    parser.add_argument("--database-url", default=os.environ.get("KIM_DATABASE_URL"))
    parser.add_argument(
        "--running-share",
        type=float,
        default=0.052,
        help="share of running cases (one open task each); 0.052 gives ~100 open tasks per inbox at 1M",
    )
    parser.add_argument("--batch", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    url = args.database_url
    if not url or not url.startswith("postgresql"):
        sys.exit("--database-url must be a PostgreSQL URL (postgresql+psycopg://...)")
    if not os.environ.get("KIM_DATA_KEYS"):
        sys.exit("set KIM_DATA_KEYS (the server reading this data needs the same key; `kim keys generate`)")
    os.environ["KIM_DATABASE_URL"] = url
    started = time.perf_counter()
    phases = {}

    with psycopg.connect(_pg_url(url)) as conn:
        cur = conn.cursor()
        cur.execute("SELECT to_regclass('cases') IS NOT NULL")
        if cur.fetchone()[0]:
            cur.execute("SELECT EXISTS (SELECT 1 FROM cases)")
            if cur.fetchone()[0]:
                sys.exit("refusing: this database already has cases (use an empty database)")
    t0 = time.perf_counter()
    _kim(url, "setup")
    phases["kim_setup_s"] = time.perf_counter() - t0

    from engine.access.service import hash_password

    rng = random.Random(args.seed)
    conn = psycopg.connect(_pg_url(url))
    t0 = time.perf_counter()
    scopes = create_organisation(conn, rng, hash_password("demo"))
    phases["organisation_s"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    template_ids = run_templates(url)
    phases["templates_s"] = time.perf_counter() - t0
    cur = conn.cursor()
    steps = _steps()
    templates = [
        Template(cur, name, cid, steps[name][1], steps[name][2]) for name, cid in template_ids.items()
    ]
    for t in templates:
        log(
            f"template {t.name}: history {t.history_rows}, tasks {len(t.tables['tasks'][1])}, "
            f"consents {len(t.tables['consents'][1])}, facts {len(t.tables['programme_events'][1])}, "
            f"timers {len(t.tables['timers'][1])}, state {len(t.inst['state'])} chars"
        )
    ids = {}
    for table in BIG_TABLES:
        cur.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}" if table != "tasks" else "SELECT 0")
        ids[table] = cur.fetchone()[0]
    cur.execute("SELECT count(*) FROM history")
    done_history = cur.fetchone()[0]
    copies = args.cases - len(templates)
    history_total = int(args.cases * args.history_per_case) - done_history
    copier = Copier(
        templates,
        scopes,
        ids,
        date.today(),
        history_total,
        copies,
        args.running_share,
        args.seed,
        templates[0].inst["process_version_id"],
    )
    conn.commit()

    # bulk load
    t0 = time.perf_counter()
    indexes = _secondary_indexes(cur)
    for name, _sql in indexes:
        cur.execute(f"DROP INDEX {name}")
    conn.commit()
    cur.execute("SET session_replication_role = replica")  # no FK triggers during the load
    cur.execute("SET synchronous_commit = off")
    columns = {t: _table_columns(cur, t) for t in BIG_TABLES}
    q: queue.Queue = queue.Queue(maxsize=2)
    errors = []

    def produce():
        try:
            left = copies
            while left > 0:
                n = min(args.batch, left)
                q.put(copier.batch(n))
                left -= n
        except Exception as exc:  # noqa: BLE001 - re-raised by the main thread
            errors.append(exc)
        finally:
            q.put(None)

    producer = threading.Thread(target=produce, daemon=True)
    producer.start()
    done = 0
    while True:
        item = q.get()
        if item is None:
            break
        for table, lines in item.items():
            if not lines:
                continue
            with cur.copy(f"COPY {table} ({', '.join(columns[table])}) FROM STDIN") as cp:
                cp.write(("\n".join(lines) + "\n").encode())
        conn.commit()
        done += len(item["cases"])
        el = time.perf_counter() - t0
        log(f"{done:>9,} / {copies:,} cases copied, {el:6.0f} s, {done / el:,.0f} cases/s")
    producer.join()
    if errors:
        raise errors[0]
    phases["copy_s"] = time.perf_counter() - t0
    cur.execute("SET session_replication_role = origin")
    for table in BIG_TABLES:
        if table != "tasks":
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )
    # The copies' case numbers count on from the per-county, per-year counters (engine/cases/numbers.py).
    cur.execute(
        "INSERT INTO case_counters (tenant_id, year, last_number) "
        "SELECT tenant_id, (regexp_match(case_number, '-(\\d{4})-(\\d+)$'))[1]::int AS year, "
        "max((regexp_match(case_number, '-(\\d{4})-(\\d+)$'))[2]::int) FROM cases "
        "WHERE case_number ~ '-\\d{4}-\\d+$' GROUP BY 1, 2 "
        "ON CONFLICT (tenant_id, year) DO UPDATE SET last_number = "
        "greatest(case_counters.last_number, excluded.last_number)"
    )
    conn.commit()

    t0 = time.perf_counter()
    cur.execute("SET maintenance_work_mem = '1GB'")
    for _name, sql in indexes:
        cur.execute(sql)
        conn.commit()
    phases["indexes_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    conn.autocommit = True
    for table in (*BIG_TABLES, "users", "municipalities", "teams", "tenants"):
        cur.execute(f"VACUUM (ANALYZE) {table}")
    phases["vacuum_analyze_s"] = time.perf_counter() - t0
    counts = {}
    for table in (*BIG_TABLES, "users", "tenants", "municipalities", "teams"):
        cur.execute(f"SELECT count(*) FROM {table}")
        counts[table] = cur.fetchone()[0]
    cur.execute("SELECT count(*) FROM tasks WHERE status = 'ready'")
    counts["open_tasks"] = cur.fetchone()[0]
    cur.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
    size = cur.fetchone()[0]
    conn.close()
    total = time.perf_counter() - started
    print(
        json.dumps(
            {
                "cases": args.cases,
                "seconds": round(total, 1),
                "phases": {k: round(v, 1) for k, v in phases.items()},
                "rows": counts,
                "scopes": len(scopes),
                "database_size": size,
                "secondary_indexes_rebuilt": len(indexes),
            },
            ensure_ascii=False,
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
