"""The one error type every validation failure raises: it names the field and says what is wrong."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


class ValidationError(ValueError):
    """Input was rejected. `errors` maps each offending field to a human message.

    Forms show every message inline at once, so one error can carry several fields;
    `field` and `message` are the first of them, for one-line reports (CLI, logs).
    """

    def __init__(self, field: str, message: str, *, more: Mapping[str, str] | None = None) -> None:
        self.errors: dict[str, str] = {field: message}
        if more:
            for name, text in more.items():
                self.errors.setdefault(name, text)
        super().__init__(self.describe())

    @classmethod
    def many(cls, errors: Mapping[str, str]) -> ValidationError:
        """Build one error from several field messages (at least one)."""
        if not errors:
            raise ValueError("ValidationError.many needs at least one field")
        (field, message), *rest = errors.items()
        return cls(field, message, more=dict(rest))

    @property
    def field(self) -> str:
        return next(iter(self.errors))

    @property
    def message(self) -> str:
        return self.errors[self.field]

    def describe(self) -> str:
        return "; ".join(f"{name}: {text}" for name, text in self.errors.items())


class ChoiceError(ValidationError):
    """A name given to pick something (a segment, a tag, a status, a customer) picks
    nothing, or could mean several things. `choices` says what there is to pick from, or
    what the name could mean, one line each, for a message to list below itself."""

    def __init__(self, field: str, message: str, choices: Sequence[str] = ()) -> None:
        super().__init__(field, message)
        self.choices = tuple(choices)


class NotFoundError(LookupError):
    """A record asked for by id (or email, external id) does not exist or was deleted."""

    def __init__(self, entity: str, key: object) -> None:
        self.entity = entity
        self.key = key
        super().__init__(f"{entity} {key!r} not found")
