"""`flask --app wsgi tokens create|list|revoke`."""
import click

from ..cli_support import DatabaseCommands, database, print_table
from ..fields import MAX_INT4
from . import service

tokens_cli = DatabaseCommands("tokens", help="API bearer tokens (stored only as SHA-256 hashes).")

_ID = click.IntRange(1, MAX_INT4)


@tokens_cli.command("create")
@click.option("--user-id", required=True, type=_ID,
              help="The user the token acts for (recorded in the audit log).")
@click.option("--role", required=True, type=click.Choice(service.ROLES),
              help="reader: GET only; writer and admin: GET and POST.")
@click.option("--fund", "fund_ids", multiple=True, type=_ID,
              help="A fund the token may use (repeat for several); every fund when omitted.")
@click.option("--expires-in-days", type=click.IntRange(1, 36500),
              help="Days until the token expires; never when omitted.")
def tokens_create(user_id, role, fund_ids, expires_in_days):
    """Issue a token and print it, alone, on stdout (it is shown only once)."""
    try:
        token_id, token = service.create_token(
            database(), user_id=user_id, role=role, fund_ids=list(fund_ids),
            expires_in_days=expires_in_days)
    except service.UnknownFunds as exc:
        raise click.BadParameter(str(exc), param_hint="--fund") from None
    scope = ", ".join(map(str, sorted(set(fund_ids)))) if fund_ids else "all funds"
    click.echo(f"created token {token_id}: user {user_id}, {role}, {scope}", err=True)
    click.echo(token)


@tokens_cli.command("list")
def tokens_list():
    """List tokens (id, user, role, funds, dates, status); never the tokens."""
    print_table(*service.list_tokens(database()))


@tokens_cli.command("revoke")
@click.argument("token_id", type=_ID)
def tokens_revoke(token_id):
    """Revoke a token at once (its next request gets 401)."""
    outcome = service.revoke_token(database(), token_id)
    if outcome == "not_found":
        raise click.ClickException(f"no token {token_id}")
    click.echo(f"token {token_id} {'revoked' if outcome == 'revoked' else 'was already revoked'}")
