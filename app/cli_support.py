"""What every CLI command shares: the database, table output, and one-line
errors instead of tracebacks when the database cannot be reached."""
import functools

import click
import psycopg2
from flask import current_app
from flask.cli import AppGroup

from .db import DatabaseUnavailable


def database():
    return current_app.extensions["database"]


def print_table(columns, rows):
    """Tab-separated, a header line first; NULL as an empty field."""
    click.echo("\t".join(columns))
    for row in rows:
        click.echo("\t".join("" if value is None else str(value) for value in row))


def reports_database_errors(command):
    """Decorator: an unreachable database ends the command with one line on
    stderr and exit status 1."""
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except (DatabaseUnavailable, psycopg2.OperationalError) as exc:
            reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise click.ClickException(f"database unavailable: {reason}") from None
    return wrapper


class DatabaseCommands(AppGroup):
    """A command group whose every command reports database errors in one line."""

    def command(self, *args, **kwargs):
        decorate = super().command(*args, **kwargs)
        return lambda f: decorate(reports_database_errors(f))
