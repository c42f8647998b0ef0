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
