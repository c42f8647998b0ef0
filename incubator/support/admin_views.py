"""Admins keep the catalog and the routing rules; staff and each organization's agents keep canned replies."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from incubator.extensions import db
from incubator.i18n import LOCALES
from incubator.permissions import can_edit_canned_replies, can_manage_support_catalog, is_staff, requires
from incubator.rules import NotAllowed
from incubator.support import bp, catalog
from incubator.support.admin_forms import CannedReplyBodiesForm, CategoryNamesForm, RuleForm
from incubator.support.models import CannedReply, RoutingRule, SupportCategory


def _status(form) -> int:
    return 422 if form.is_submitted() else 200


# --- the catalog ------------------------------------------------------------------------------------------------

@bp.route("/categories")
@requires(can_manage_support_catalog)
def categories():
    return render_template("support/categories.html", groups=catalog.groups(active_only=False))


@bp.route("/categories/new", methods=["GET", "POST"])
@requires(can_manage_support_catalog)
def new_category():
    return _category(None, CategoryNamesForm())


@bp.route("/categories/<int:category_id>", methods=["GET", "POST"])
@requires(can_manage_support_catalog)
def edit_category(category_id: int):
    category = db.session.get(SupportCategory, category_id) or abort(404)
    if request.method == "POST":
        form = CategoryNamesForm()
        form.code.data = category.code  # the code never changes
    else:
        form = CategoryNamesForm(obj=category, area=category.area.value,
                                 **{f"name_{code}": category.names.get(code, "") for code in LOCALES})
    return _category(category, form)


def _category(category, form):
    form.parent_id.choices = [("", "—")] + [(str(c.id), c.name) for c in catalog.categories(active_only=False)
                                           if c.parent_id is None and (category is None or c.id != category.id)]
    if not form.validate_on_submit():
        return render_template("support/category_form.html", form=form, category=category), _status(form)
    try:
        saved = catalog.save_category(category, current_user, form.category_data())
    except NotAllowed as error:
        db.session.rollback()
        form.code.errors.append(error.message)
        return render_template("support/category_form.html", form=form, category=category), 422
    db.session.commit()
    flash(_("%(name)s has been saved.", name=saved.name), "success")
    return redirect(url_for("support.categories"))


# --- routing rules ----------------------------------------------------------------------------------------------

@bp.route("/routing")
@requires(can_manage_support_catalog)
def routing():
    return render_template("support/routing.html", rules=catalog.rules())


def _rule_form(form: RuleForm) -> RuleForm:
    form.category_id.choices = [("", "—")] + [
        (str(c.id), c.name if c.parent_id is None else f"— {c.name}") for c in _ordered_categories()]
    form.organization_id.choices = [("", "—")] + [(str(o.id), o.name) for o in catalog.organizations()]
    return form


def _ordered_categories():
    for top, subs in catalog.groups(active_only=False):
        yield top
        yield from subs


@bp.route("/routing/new", methods=["GET", "POST"])
@requires(can_manage_support_catalog)
def new_rule():
    return _rule(None, _rule_form(RuleForm()))


@bp.route("/routing/<int:rule_id>", methods=["GET", "POST"])
@requires(can_manage_support_catalog)
def edit_rule(rule_id: int):
    rule = db.session.get(RoutingRule, rule_id) or abort(404)
    return _rule(rule, _rule_form(RuleForm(obj=rule) if request.method == "GET" else RuleForm()))


def _rule(rule, form):
    if not form.validate_on_submit():
        return render_template("support/rule_form.html", form=form, rule=rule), _status(form)
    try:
        catalog.save_rule(rule, current_user, form.category_id.data, form.organization_id.data, form.is_active.data)
    except NotAllowed as error:
        db.session.rollback()
        form.category_id.errors.append(error.message)
        return render_template("support/rule_form.html", form=form, rule=rule), 422
    db.session.commit()
    flash(_("The routing rule has been saved. It applies to requests filed from now on."), "success")
    return redirect(url_for("support.routing"))


# --- canned replies ---------------------------------------------------------------------------------------------

def _my_organization() -> int | None:
    return None if is_staff(current_user) else current_user.organization_id


@bp.route("/canned")
@requires(can_edit_canned_replies)
def canned():
    names = {o.id: o.name for o in catalog.organizations()}
    return render_template("support/canned.html", replies=catalog.canned_replies(_my_organization()), names=names)


def _canned_form(form):
    organizations = [o for o in catalog.organizations()
                     if _my_organization() is None or o.id == _my_organization()]
    form.organization_id.choices = [(str(o.id), o.name) for o in organizations]
    return form


def _reply(reply_id: int) -> CannedReply:
    reply = db.session.get(CannedReply, reply_id)
    if reply is None or not can_edit_canned_replies(current_user, reply.organization_id):
        abort(404)
    return reply


@bp.route("/canned/new", methods=["GET", "POST"])
@requires(can_edit_canned_replies)
def new_canned():
    return _canned(None, _canned_form(CannedReplyBodiesForm()))


@bp.route("/canned/<int:reply_id>", methods=["GET", "POST"])
@requires(can_edit_canned_replies)
def edit_canned(reply_id: int):
    reply = _reply(reply_id)
    form = CannedReplyBodiesForm() if request.method == "POST" else CannedReplyBodiesForm(
        obj=reply, **{f"body_{code}": reply.bodies.get(code, "") for code in LOCALES})
    return _canned(reply, _canned_form(form))


def _canned(reply, form):
    if not form.validate_on_submit():
        return render_template("support/canned_form.html", form=form, reply=reply), _status(form)
    catalog.save_canned(reply, current_user, form.organization_id.data, form.title.data, form.bodies())
    db.session.commit()
    flash(_("%(name)s has been saved.", name=form.title.data), "success")
    return redirect(url_for("support.canned"))


@bp.route("/canned/<int:reply_id>/delete", methods=["POST"])
@requires(can_edit_canned_replies)
def delete_canned(reply_id: int):
    catalog.delete_canned(_reply(reply_id), current_user)
    db.session.commit()
    flash(_("The canned reply has been removed."), "success")
    return redirect(url_for("support.canned"))
