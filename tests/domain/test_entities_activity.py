"""Interactions, tasks and feedback."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from crm_tui.domain.entities.feedback import validate_feedback
from crm_tui.domain.entities.interaction import CHANNELS, validate_interaction
from crm_tui.domain.entities.task import validate_task
from crm_tui.domain.errors import ValidationError

TODAY = date(2024, 5, 1)


def errors(validate: Any, data: dict[str, Any], **kwargs: Any) -> dict[str, str]:
    with pytest.raises(ValidationError) as err:
        validate(data, today=TODAY, **kwargs)
    return err.value.errors


def test_interaction_defaults() -> None:
    assert validate_interaction({"customer_id": 4, "channel": "Email"}, today=TODAY) == {
        "customer_id": 4,
        "channel": "email",
        "direction": "outbound",
        "status": None,
        "date": "2024-05-01",
        "subject": None,
        "summary": None,
        "outcome": None,
        "next_action": None,
        "follow_up_date": None,
        "follow_up_done": False,
        "duration_minutes": None,
        "staff": None,
    }


@pytest.mark.parametrize(
    ("written", "channel"),
    [
        ("Phone Call", "phone"),
        ("In Person", "in_person"),
        ("in-person", "in_person"),
        ("WhatsApp", "whatsapp"),
        ("e-mail", "email"),
        ("Text", "sms"),
        ("DEMO", "demo"),
        ("video call", "meeting"),
    ],
)
def test_channels_from_other_systems(written: str, channel: str) -> None:
    assert (
        validate_interaction({"customer_id": 1, "channel": written}, today=TODAY)["channel"]
        == channel
    )


def test_every_channel_is_accepted() -> None:
    for channel in CHANNELS:
        assert (
            validate_interaction({"customer_id": 1, "channel": channel}, today=TODAY)["channel"]
            == channel
        )


def test_interaction_fields() -> None:
    interaction = validate_interaction(
        {
            "customer_id": 1,
            "channel": "phone",
            "direction": "Incoming",
            "status": "Replied",
            "summary": "Discussed\nthe demo",
            "follow_up_date": "+7d",
            "duration_minutes": "30",
            "staff": "ana",
        },
        today=TODAY,
    )
    assert interaction["direction"] == "inbound"
    assert interaction["status"] == "replied"
    assert interaction["summary"] == "Discussed\nthe demo"
    assert interaction["follow_up_date"] == "2024-05-08"
    assert interaction["duration_minutes"] == 30


def test_interaction_errors() -> None:
    assert errors(validate_interaction, {}) == {
        "customer_id": "is required: expected a record id (a positive whole number)",
        "channel": "is required: expected one of email, phone, sms, chat, in_person, whatsapp, "
        "meeting, demo, support",
    }
    bad = errors(
        validate_interaction,
        {
            "customer_id": 1,
            "channel": "fax",
            "direction": "sideways",
            "status": "lost",
            "duration_minutes": -5,
            "follow_up_date": "31/12",
        },
    )
    assert set(bad) == {"channel", "direction", "status", "duration_minutes", "follow_up_date"}
    assert bad["duration_minutes"] == "must be a whole number from 0 to 10080; got -5"


def test_task_defaults_and_completion_date() -> None:
    task = validate_task({"title": "Send quote"}, today=TODAY)
    assert task == {
        "title": "Send quote",
        "description": None,
        "customer_id": None,
        "assigned_to": None,
        "priority": "normal",
        "due_date": None,
        "status": "open",
        "completed_date": None,
    }
    done = validate_task({"title": "x", "status": "Completed", "priority": "URGENT"}, today=TODAY)
    assert (done["status"], done["completed_date"], done["priority"]) == (
        "done",
        "2024-05-01",
        "urgent",
    )
    reopened = validate_task({"status": "in progress"}, today=TODAY, partial=True, current=done)
    assert reopened == {"status": "in_progress", "completed_date": None}


def test_task_errors() -> None:
    bad = errors(
        validate_task,
        {
            "title": " ",
            "priority": "asap",
            "status": "blocked",
            "due_date": "soon",
            "customer_id": "abc",
        },
    )
    assert set(bad) == {"title", "priority", "status", "due_date", "customer_id"}
    assert bad["title"] == "is required: expected text up to 200 characters"


def test_feedback() -> None:
    feedback = validate_feedback(
        {"rating": "4", "recommend_score": 9, "service_type": "Tours"}, today=TODAY
    )
    assert feedback == {
        "customer_id": None,
        "service_type": "tour",
        "rating": 4,
        "recommend_score": 9,
        "comments": None,
        "source": None,
        "date": "2024-05-01",
        "resolved": False,
        "resolution_notes": None,
        "resolved_by": None,
        "resolved_date": None,
    }
    resolved = validate_feedback(
        {"customer_id": 2, "rating": 1, "resolved": "yes", "resolved_by": "ana"}, today=TODAY
    )
    assert resolved["resolved_date"] == "2024-05-01"


def test_feedback_errors() -> None:
    assert errors(validate_feedback, {}) == {
        "rating": "is required: expected a whole number from 1 to 5"
    }
    bad = errors(validate_feedback, {"rating": 6, "recommend_score": 11, "resolved": "perhaps"})
    assert bad == {
        "rating": "must be a whole number from 1 to 5; got 6",
        "recommend_score": "must be a whole number from 0 to 10; got 11",
        "resolved": "must be yes or no (also true/false, 1/0); got 'perhaps'",
    }
    assert "whole number" in errors(validate_feedback, {"rating": 4.5})["rating"]
