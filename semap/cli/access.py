"""`semap access`: owners' edit links, coordinators' and admins' accounts, reminders for stale entries."""

from __future__ import annotations

import sys

import typer

from semap.cli.context import opened_store

access_app = typer.Typer(help="Who may edit: edit links for organizations, accounts, reminders.", no_args_is_help=True)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return str(typer.prompt("password (12 characters or more)", hide_input=True, confirmation_prompt=True))


def _links_go_to(public_url: str) -> str:
    """Where printed links point, warning on stderr when that is the built-in default nobody else can open."""
    from semap.settings import MapSettings

    if public_url == MapSettings.model_fields["public_url"].default:
        typer.echo(
            f"warning: SEMAP_PUBLIC_URL is not set, so links point to {public_url}, which only this machine can open; "
            "set SEMAP_PUBLIC_URL to the address people reach SeMap at (e.g. https://semap.example.org)",
            err=True,
        )
    return public_url.rstrip("/")


@access_app.command("invite")
def invite(
    org_id: str = typer.Argument(..., help="the organization's id (as in the API and exports)"),
    email: str = typer.Option("", help="send the link to this address (SMTP settings); else it is printed"),
    days: int = typer.Option(30, help="how long the link works"),
) -> None:
    """Issue an edit link for an organization's owner (a signed, expiring, revocable token)."""
    from semap.curation import access
    from semap.curation.mail import message, send
    from semap.curation.policy import SYSTEM
    from semap.errors import MailNotSent
    from semap.settings import AccessSettings, MapSettings, load

    settings = load(AccessSettings)
    store = opened_store()
    try:
        secret = access.site_secret(store.overlay, settings.secret_key)
        grant, token = access.invite(store, SYSTEM, org_id, email or None, secret, days)  # checks the address
        link = f"{_links_go_to(load(MapSettings).public_url)}/edit/{token}"
        if grant.email and settings.smtp_host:
            body = f"SeMap 정보 수정 링크 / your SeMap edit link ({days}일/days):\n{link}\n"
            try:
                send(settings, [message(settings, grant.email, "[SeMap] 정보 수정 링크 / edit link", body)])
            except MailNotSent as exc:
                # The link's only copy went nowhere: it is revoked (its history says why), so no active link exists
                # that nobody received; the operator runs the command again, or without --email to hand it over.
                access.revoke(store, SYSTEM, grant.id, reason=f"the e-mail to {grant.email} could not be sent")
                raise MailNotSent(
                    f"{exc}: the edit link was not delivered and has been revoked; try again, or leave out --email "
                    "to print the link"
                ) from None
            typer.echo(f"sent to {grant.email}: grant {grant.id}, valid until {grant.expires_at}")
        else:
            typer.echo(f"grant {grant.id}, valid until {grant.expires_at}")
            typer.echo(link)
    finally:
        store.close()


@access_app.command("revoke")
def revoke(grant_id: str = typer.Argument(..., help="the grant id `invite` printed")) -> None:
    """Revoke an edit link: it stops working at once."""
    from semap.curation import access
    from semap.curation.policy import SYSTEM

    store = opened_store()
    try:
        access.revoke(store, SYSTEM, grant_id)
        typer.echo(f"revoked {grant_id}")
    finally:
        store.close()


def _add(email: str, role: str, districts: list[str], password_stdin: bool) -> None:
    from semap.curation import access
    from semap.curation.policy import SYSTEM
    from semap.features.filters import resolve_district

    resolved = [resolve_district(d) for d in districts]
    password = _password(password_stdin)
    store = opened_store()
    try:
        account = access.add_account(store, SYSTEM, email, role, resolved, password)
        typer.echo(f"{account.role} {account.email}: " + (", ".join(d.name_ko for d in resolved) or "all districts"))
    finally:
        store.close()


@access_app.command("add-coordinator")
def add_coordinator(
    email: str = typer.Argument(...),
    district: list[str] = typer.Option(..., "--district", help="a district it manages (repeat for more)"),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="read the password from standard input"),
) -> None:
    """Add (or reset) a district coordinator's account."""
    _add(email, "coordinator", district, password_stdin)


@access_app.command("add-admin")
def add_admin(
    email: str = typer.Argument(...),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="read the password from standard input"),
) -> None:
    """Add (or reset) an admin account (the center: all districts, manages coordinators)."""
    _add(email, "admin", [], password_stdin)


@access_app.command("reminders")
def reminders(
    send_mail: bool = typer.Option(False, "--send", help="e-mail the owners (SMTP settings); default: print"),
    district: list[str] = typer.Option([], "--district", help="only these districts"),
) -> None:
    """Entries not confirmed for 12 months: a reminder with a fresh edit link for each organization."""
    from semap.curation import access
    from semap.curation.freshness import reminders as make
    from semap.curation.mail import send
    from semap.curation.policy import SYSTEM
    from semap.errors import MailNotSent
    from semap.features.filters import resolve_district
    from semap.settings import AccessSettings, MapSettings, load

    settings = load(AccessSettings)
    store = opened_store()
    try:
        codes = [resolve_district(d).adm_code for d in district] or None
        secret = access.site_secret(store.overlay, settings.secret_key)
        found = make(store, SYSTEM, settings, secret, _links_go_to(load(MapSettings).public_url), codes)
        mailed = [r for r in found if r.mail is not None] if send_mail else []
        failure: MailNotSent | None = None
        try:
            if mailed:
                send(settings, [r.mail for r in mailed if r.mail is not None])
        except MailNotSent as exc:  # the links not sent are revoked, as `invite` does: see there
            failure = exc
            for r in mailed[exc.sent :]:
                access.revoke(store, SYSTEM, r.grant_id, reason=f"the reminder to {r.to} could not be sent")
        unsent = {r.grant_id for r in mailed[failure.sent :]} if failure else set()
        for r in found:
            link = "(not sent: link revoked)" if r.grant_id in unsent else r.link
            typer.echo(f"{r.org_id}\t{r.name}\t{r.to or '(no e-mail address: give the link by hand)'}\t{link}")
        if failure is not None:
            raise MailNotSent(f"{failure}: the {len(unsent)} reminder(s) not sent were revoked; run it again later")
        if send_mail:
            typer.echo(f"sent {len(mailed)} reminder(s)", err=True)
        typer.echo(f"{len(found)} organization(s) not confirmed for 12 months", err=True)
    finally:
        store.close()
