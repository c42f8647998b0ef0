"""Command-line interface: ``flask --app incubator <command>``."""

from __future__ import annotations

import os

import click
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po, write_po
from flask import Flask

from incubator.auth import services as accounts
from incubator.auth.models import Role
from incubator.extensions import db
from incubator.i18n import LOCALES

BASE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TRANSLATIONS = os.path.join(BASE_DIR, "translations")
POT = os.path.join(BASE_DIR, "messages.pot")


def _pybabel(command: str, *args: str) -> None:
    """Run a ``pybabel`` command in-process, from the repository root."""
    cwd = os.getcwd()
    os.chdir(BASE_DIR)
    try:
        CommandLineInterface().run(["pybabel", "-q", command, *args])
    finally:
        os.chdir(cwd)


def extract_messages(pot_path: str) -> None:
    # pybabel skips folders starting with "_" by default, which would leave templates/_macros/ out.
    _pybabel("extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext", "--no-location",
             "--ignore-dirs", ".* venv .venv node_modules instance", "--sort-output", "-o", pot_path, ".")


def fill_english(po_path: str) -> None:
    """English is the source language: its catalog repeats each message."""
    with open(po_path, "rb") as f:
        catalog = read_po(f, locale="en")
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            message.string = tuple(message.id[min(i, 1)] for i in range(catalog.num_plurals))
        else:
            message.string = message.id
        message.flags.discard("fuzzy")
    with open(po_path, "wb") as f:
        write_po(f, catalog, omit_header=False, width=120, no_location=True)


def register(app: Flask) -> None:
    @app.cli.command("seed-demo")
    @click.option("--password", default="village-demo-2026", show_default=True,
                  help="Password for every demo account.")
    def seed_demo(password: str) -> None:
        """Create (or bring up to date) the demo data; safe to run more than once."""
        from incubator.seed import seed

        if len(password) < 8:
            raise click.BadParameter("at least 8 characters", param_hint="--password")
        logins = seed(password)
        db.session.commit()
        click.echo("\nDemo logins (password for all: %s)" % password)
        click.echo(f"{'role':<10} {'e-mail':<34} organization / city")
        for role, email, where in logins:
            click.echo(f"{role:<10} {email:<34} {where}")

    @app.cli.command("create-user")
    @click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
    @click.option("--email", required=True)
    @click.option("--name", "name_latin", required=True, help="Name in Latin letters.")
    @click.option("--locale", type=click.Choice(list(LOCALES)), default="ja", show_default=True)
    @click.option("--organization", help="Organization code, for agents (think, sme, ksp, idea).")
    @click.option("--city", help="Partner-city code, for liaisons (e.g. shenyang).")
    @click.password_option(help="Prompted for when not given.")
    def create_user(role, email, name_latin, locale, organization, city, password) -> None:
        """Create a verified account with the given role."""
        import sqlalchemy as sa

        from incubator.cities.models import PartnerCity
        from incubator.organizations.models import Organization

        role = Role(role)
        org_id = city_id = None
        if role is Role.AGENT:
            org_id = db.session.scalar(sa.select(Organization.id).where(Organization.code == organization))
            if org_id is None:
                raise click.BadParameter("an agent needs an existing organization code", param_hint="--organization")
        if role is Role.LIAISON:
            city_id = db.session.scalar(sa.select(PartnerCity.id).where(PartnerCity.code == city))
            if city_id is None:
                raise click.BadParameter("a liaison needs an existing partner-city code", param_hint="--city")
        if len(password) < 8:
            raise click.BadParameter("at least 8 characters", param_hint="--password")
        try:
            user = accounts.create_user(email=email, password=password, role=role, locale=locale, verified=True,
                                        organization_id=org_id, partner_city_id=city_id, name_latin=name_latin)
        except accounts.EmailTaken:
            raise click.ClickException("an account with this e-mail address already exists")
        db.session.commit()
        click.echo(f"created user {user.id} with role {role.value}")

    @app.cli.group()
    def translate() -> None:
        """Translation catalogs: extract, update, compile."""

    @translate.command("extract")
    def translate_extract() -> None:
        """Extract the messages of the code and templates into messages.pot."""
        extract_messages(POT)
        click.echo(f"wrote {POT}")

    @translate.command("update")
    def translate_update() -> None:
        """Extract, then merge into every locale's catalog (creating missing ones)."""
        extract_messages(POT)
        for code in LOCALES:
            po = os.path.join(TRANSLATIONS, code, "LC_MESSAGES", "messages.po")
            if os.path.exists(po):
                _pybabel("update", "-i", POT, "-d", TRANSLATIONS, "-l", code, "--no-fuzzy-matching",
                         "--ignore-obsolete", "-w", "120")
            else:
                _pybabel("init", "-i", POT, "-d", TRANSLATIONS, "-l", code, "-w", "120")
            if code == "en":
                fill_english(po)
        os.remove(POT)
        click.echo("catalogs updated")

    @translate.command("compile")
    def translate_compile() -> None:
        """Compile every catalog to .mo."""
        _pybabel("compile", "-d", TRANSLATIONS)
        click.echo("catalogs compiled")

