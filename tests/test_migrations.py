"""The schema lives in the migrations: one head, no drift from the models, and a working downgrade."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from flask_migrate import downgrade, upgrade

from incubator.extensions import db


def test_there_is_one_head(app):
    config = current_app.extensions["migrate"].migrate.get_config()
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_models_and_migrations_agree(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "render_as_batch": True})
        assert compare_metadata(context, db.metadata) == []


def migrate_down_and_up(app, url):
    """Run every downgrade to the base, then every upgrade back, on the database at ``url``."""
    from incubator import create_app

    other = create_app("test", SQLALCHEMY_DATABASE_URI=url)
    with other.app_context():
        upgrade()
        downgrade(revision="base")
        assert db.inspect(db.engine).get_table_names() == ["alembic_version"]
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, db.metadata) == []
        db.engine.dispose()


def test_downgrade_to_base_and_upgrade_again_on_sqlite(app, tmp_path):
    migrate_down_and_up(app, f"sqlite:///{tmp_path / 'roundtrip.sqlite'}")


@pytest.mark.postgres
def test_downgrade_to_base_and_upgrade_again_on_postgresql(app, postgres_url):
    migrate_down_and_up(app, postgres_url)


def fill_and_compare(url) -> None:
    """Exchanges recorded, the monthly exchange figures dropped (downgrade) and made again (upgrade): the
    migration's own count of the exchanges already there equals a recount by the app."""
    from datetime import date

    import sqlalchemy as sa

    from incubator import create_app
    from incubator.exchanges import figures, services
    from incubator.exchanges.models import ExchangeMonth, OutcomeKind, OutcomeStatus, Visibility
    from tests import factories
    from tests.exchanges.conftest import exchange_data

    other = create_app("test", SQLALCHEMY_DATABASE_URI=url)
    with other.app_context():
        upgrade()
        staff = factories.user("staff")
        cities = [factories.city(code).id for code in ("shenyang", "bucheon")]
        for i, day in enumerate((date(2025, 3, 31), date(2025, 4, 1), date(2025, 4, 20), date(2026, 1, 5))):
            exchange = services.create_exchange(staff, exchange_data(
                cities[: 1 + i % 2], starts_on=day, ends_on=day, kawasaki_participants=i,
                visibility=Visibility.STAFF if i == 2 else Visibility.SHARED))
            services.add_outcome(exchange, staff, OutcomeKind.BUSINESS_MATCH, "A match", OutcomeStatus.PLANNED, None)
        db.session.commit()

        def kept():
            columns = ExchangeMonth.__table__.columns
            return [tuple(row) for row in db.session.execute(
                sa.select(*columns).order_by(*ExchangeMonth.__table__.primary_key.columns))]

        counted_on_write = kept()
        db.session.remove()
        downgrade(revision="0015_support_figures")
        upgrade()
        assert kept() == counted_on_write and len(counted_on_write) == 10
        figures.rebuild()
        assert kept() == counted_on_write
        db.session.remove()
        downgrade(revision="base")
        db.engine.dispose()


def test_the_exchange_figures_migration_counts_the_exchanges_already_there_on_sqlite(app, tmp_path):
    fill_and_compare(f"sqlite:///{tmp_path / 'filled.sqlite'}")


@pytest.mark.postgres
def test_the_exchange_figures_migration_counts_the_exchanges_already_there_on_postgresql(app, postgres_url):
    fill_and_compare(postgres_url)
