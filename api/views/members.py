"""Households: the members of a case (add, change with history, leave) and the duplicate check."""

from dataclasses import asdict

from flask_smorest import Blueprint

from engine.households import duplicates, members, read

from ..context import current_user, db
from ..schemas_members import (
    DuplicateCheckRequestSchema,
    DuplicateCheckSchema,
    HouseholdMemberListSchema,
    HouseholdMemberSchema,
    LeaveSchema,
    MemberChangeSchema,
    MemberCreateSchema,
    MemberHistorySchema,
)

blp = Blueprint("members", __name__, url_prefix="/api/v1", description="Haushalte")


@blp.route("/cases/<int:case_id>/members", methods=["GET"])
@blp.response(200, HouseholdMemberListSchema)
def list_members(case_id):
    """The household: every member, those who left last (pseudonymised roles: no names or dates)."""
    found = read.household(db(), user=current_user(), case_id=case_id)
    out = {"items": [asdict(m) for m in found.members], "personal": found.personal}
    return out


@blp.route("/cases/<int:case_id>/members", methods=["POST"])
@blp.arguments(MemberCreateSchema)
@blp.response(201, HouseholdMemberSchema)
def add_member(args, case_id):
    """A person joins the household (check for duplicates first: POST /duplicates/check)."""
    member = members.add_member(db(), user=current_user(), case_id=case_id, values=args)
    out = asdict(read.written(member))
    return out


@blp.route("/cases/<int:case_id>/members/<int:member_id>", methods=["PATCH"])
@blp.arguments(MemberChangeSchema)
@blp.response(200, HouseholdMemberSchema)
def change_member(args, case_id, member_id):
    """Change a member's data; every changed field is kept with who, when and old → new."""
    member = members.change_member(
        db(), user=current_user(), case_id=case_id, member_id=member_id, values=args
    )
    out = asdict(read.written(member))
    return out


@blp.route("/cases/<int:case_id>/members/<int:member_id>/leave", methods=["POST"])
@blp.arguments(LeaveSchema)
@blp.response(200, HouseholdMemberSchema)
def leave(args, case_id, member_id):
    """A member leaves the household, with a reason (the case's person cannot; twice: 409)."""
    member = members.leave(db(), user=current_user(), case_id=case_id, member_id=member_id, **args)
    out = asdict(read.written(member))
    return out


@blp.route("/cases/<int:case_id>/members/<int:member_id>/history", methods=["GET"])
@blp.response(200, MemberHistorySchema)
def member_history(case_id, member_id):
    """Every change of one member's data, oldest first."""
    found = read.member_history(db(), user=current_user(), case_id=case_id, member_id=member_id)
    out = {"member": asdict(found.member), "items": [asdict(c) for c in found.changes]}
    return out


@blp.route("/duplicates/check", methods=["POST"])
@blp.arguments(DuplicateCheckRequestSchema)
@blp.response(200, DuplicateCheckSchema)
def check_duplicates(args):
    """Is this person already known? Matches in my scope; elsewhere in the county only a hint."""
    found = duplicates.check(db(), user=current_user(), **args)
    out = asdict(found)
    return out
