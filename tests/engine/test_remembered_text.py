"""A process instance's state reads back without decrypting when this process wrote its token
(engine/crypto.py RememberedText); every other token is decrypted and checked as before."""

from __future__ import annotations

import dataclasses

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import Text, select, type_coerce

from engine import crypto
from engine.instances.models import ProcessInstance
from tests import lifecycle_data as d
from tests.api.helpers import complete, open_case

COLUMN = ProcessInstance.__table__.c.state


@pytest.fixture(autouse=True)
def _keys(settings):
    crypto.configure(settings)
    crypto._written.clear()
    yield
    crypto.configure(settings)


@pytest.fixture
def counted(monkeypatch):
    """How often a token was decrypted."""
    calls = []
    real = crypto.decrypt_text

    def decrypt(token):
        calls.append(token)
        return real(token)

    monkeypatch.setattr(crypto, "decrypt_text", decrypt)
    return calls


def _write(text: str) -> str:
    return COLUMN.type.process_bind_param(text, None)


def _read(token: str) -> str:
    return COLUMN.type.process_result_value(token, None)


def test_the_column_is_remembered_and_still_counts_as_encrypted():
    assert isinstance(COLUMN.type, crypto.RememberedText)
    assert COLUMN in crypto.encrypted_columns(ProcessInstance.metadata)


def test_a_token_written_here_reads_back_without_decrypting(counted):
    token = _write('{"tasks": "Bedarf"}')
    assert crypto.is_token(token) and "Bedarf" not in token
    assert _read(token) == '{"tasks": "Bedarf"}'
    assert counted == []


def test_any_other_token_is_decrypted_and_checked(counted):
    foreign = crypto.encrypt_text("anderer Zustand")  # written as another process would
    assert _read(foreign) == "anderer Zustand"
    assert counted == [foreign]
    token = _write("mein Zustand")
    tampered = token[:-6] + ("AAAAAA" if not token.endswith("AAAAAA") else "BBBBBB")
    with pytest.raises(crypto.DataKeyError):
        _read(tampered)


def test_other_keys_forget_the_written_tokens(settings, counted):
    token = _write("Zustand")
    crypto.configure(dataclasses.replace(settings, data_keys=Fernet.generate_key().decode()))
    with pytest.raises(crypto.DataKeyError):
        _read(token)
    assert counted == [token]


def test_only_the_last_tokens_are_remembered(counted):
    tokens = [_write(f"Zustand {i}") for i in range(crypto.WRITTEN_KEPT + 5)]
    assert len(crypto._written) == crypto.WRITTEN_KEPT
    assert _read(tokens[-1]) == f"Zustand {crypto.WRITTEN_KEPT + 4}" and counted == []
    assert _read(tokens[0]) == "Zustand 0" and counted == [tokens[0]]


def test_the_next_step_through_the_api_reads_the_state_without_decrypting(app, client, login, counted):
    cm = login("cm-borchen")
    case = open_case(client, cm)
    complete(client, cm, case["id"], "first_contact", d.FIRST_CONTACT)
    with app.extensions["kim"]["engine"].connect() as conn:
        raw = conn.execute(
            select(type_coerce(COLUMN, Text)).where(ProcessInstance.case_id == case["id"])
        ).scalar_one()
    assert crypto.is_token(raw) and raw in crypto._written
    counted.clear()
    complete(client, cm, case["id"], "consent", d.CONSENT_YES)
    assert raw not in counted
    crypto._written.clear()  # as in another worker process
    counted.clear()
    complete(client, cm, case["id"], "assessment", d.ASSESS_ACCOMPANY)
    assert len([t for t in counted if len(t) > 1000]) == 1  # the state, decrypted
