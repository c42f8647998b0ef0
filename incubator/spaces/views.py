from flask import render_template, request

from incubator.permissions import can_view_spaces, requires
from incubator.spaces import bp, services
from incubator.spaces.models import SpaceKind


@bp.route("/")
@requires(can_view_spaces)
def index():
    kind = request.args.get("kind", "")
    selected = SpaceKind(kind) if kind in SpaceKind._value2member_map_ else None
    return render_template("spaces/index.html", spaces=services.list_spaces(selected), kinds=SpaceKind,
                           selected=selected, summary=services.summary_by_kind())
