"""Flask CLI: `flask --app wsgi db …`, `seed-demo`, `monitor …`, `maintenance …`, `tokens …`."""
import click

from . import migrations
from .auth.cli import tokens_cli
from .cli_support import DatabaseCommands, database, print_table, reports_database_errors
from .demo.service import seed_demo
from .operations import service as operations

db_cli = DatabaseCommands("db", help="Schema migrations (yoyo).")
monitor_cli = DatabaseCommands("monitor", help="The seed document's monitoring queries.")
maintenance_cli = DatabaseCommands("maintenance", help="The seed document's cleanup queries.")


@db_cli.command("upgrade")
def db_upgrade():
    """Apply every pending migration."""
    applied = migrations.upgrade(database().dsn)
    click.echo("\n".join(f"applied {m}" for m in applied) or "already up to date")


@db_cli.command("rollback")
@click.option("--count", default=1, show_default=True, help="How many migrations to undo.")
@click.option("--all", "everything", is_flag=True, help="Undo every applied migration.")
def db_rollback(count, everything):
    """Roll back the most recent migration(s)."""
    undone = migrations.rollback(database().dsn, None if everything else count)
    click.echo("\n".join(f"rolled back {m}" for m in undone) or "nothing to roll back")


@db_cli.command("status")
def db_status():
    """List migrations and whether each is applied."""
    for migration_id, applied in migrations.status(database().dsn):
        click.echo(f"{'applied' if applied else 'pending'}  {migration_id}")


@click.command("seed-demo")
@reports_database_errors
def seed_demo_command():
    """Create the demo fund (once) and print its id."""
    fund_id, created = seed_demo(database())
    click.echo(f"{'created' if created else 'found'} demo fund {fund_id}", err=True)
    click.echo(fund_id)


@monitor_cli.command("activity")
@click.option("--hours", default=24, show_default=True, type=click.IntRange(1))
def monitor_activity(hours):
    """Allocation updates per fund in the last N hours."""
    print_table(*operations.recent_activity(database(), hours))


@monitor_cli.command("high-versions")
@click.option("--min-version", default=10, show_default=True, type=click.IntRange(1))
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1))
def monitor_high_versions(min_version, limit):
    """Companies with many allocation versions (contention)."""
    print_table(*operations.high_versions(database(), min_version, limit))


@monitor_cli.command("events")
@click.option("--fund", "fund_id", required=True, type=click.IntRange(1, 2**31 - 1))
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1))
def monitor_events(fund_id, limit):
    """A fund's latest audit events: time, user, update count, request id."""
    print_table(*operations.recent_events(database(), fund_id, limit))


@monitor_cli.command("cap-violations")
def monitor_cap_violations():
    """Companies whose planned reserves exceed their cap."""
    print_table(*operations.cap_violations(database()))


@maintenance_cli.command("purge-events")
def maintenance_purge_events():
    """Delete allocation audit events older than the 7-year retention period."""
    click.echo(f"deleted {operations.purge_expired_events(database())} event(s)")


@maintenance_cli.command("reset-iterations")
def maintenance_reset_iterations():
    """Reset allocation_iteration where the last allocation is over a year old."""
    click.echo(f"reset {operations.reset_stale_iterations(database())} compan(ies)")


def register_commands(app):
    for command in (db_cli, monitor_cli, maintenance_cli, seed_demo_command, tokens_cli):
        app.cli.add_command(command)
