"""CarePlan with its derived CareTeam and Goals."""

from __future__ import annotations

from typing import Any

from ehrsim.exporters.fhir.context import PatientContext
from ehrsim.exporters.fhir.datatypes import concept, concept_of, day, narrative, period
from ehrsim.exporters.fhir.ids import derived_id
from ehrsim.exporters.fhir.profiles import meta

CAREPLAN_CATEGORY = "http://hl7.org/fhir/us/core/CodeSystem/careplan-category"
SNOMED = "http://snomed.info/sct"
#: FHIR Quantity.comparator values; a goal of "==" is the bare value
COMPARATORS = frozenset({"<", "<=", ">=", ">"})
ROLES = {
    "patient": ("116154003", "Patient (person)"),
    "practitioner": ("223366009", "Healthcare professional (occupation)"),
    "organization": ("224891009", "Healthcare services (qualifier value)"),
}


def _role(kind: str) -> list[dict[str, Any]]:
    code, display = ROLES[kind]
    return [{"coding": [{"system": SNOMED, "code": code, "display": display}], "text": display}]


def careteam_id(plan: dict[str, Any]) -> str:
    return derived_id(plan["id"], "CareTeam")


def goal_id(plan: dict[str, Any], index: int) -> str:
    return derived_id(plan["id"], f"Goal/{index}")


def _active(plan: dict[str, Any], ctx: PatientContext) -> bool:
    return plan.get("stop") is None or plan["stop"] > ctx.reference_time


def careteam(plan: dict[str, Any], ctx: PatientContext) -> dict[str, Any]:
    res: dict[str, Any] = {
        "resourceType": "CareTeam",
        "id": careteam_id(plan),
        "meta": meta("CareTeam"),
        "status": "active" if _active(plan, ctx) else "inactive",
        "subject": ctx.patient_ref,
    }
    enc = ctx.encounter_ref(plan.get("encounter"))
    if enc:
        res["encounter"] = enc
    res["period"] = period(plan["start"], plan.get("stop"))
    participants = [{"role": _role("patient"), "member": ctx.patient_ref}]
    pract = ctx.refs.practitioner(ctx.practitioner_of(plan.get("encounter")))
    if pract:
        participants.append({"role": _role("practitioner"), "member": pract})
    org = ctx.refs.organization(ctx.organization_of(plan.get("encounter")))
    if org:
        participants.append({"role": _role("organization"), "member": org})
    res["participant"] = participants
    if plan.get("reason"):
        res["reasonCode"] = [concept(r) for r in plan["reason"]]
    if org:
        res["managingOrganization"] = [org]
    return res


def goals(plan: dict[str, Any], ctx: PatientContext) -> list[dict[str, Any]]:
    active = _active(plan, ctx)
    out = []
    for i, goal in enumerate(plan.get("goals") or []):
        res: dict[str, Any] = {
            "resourceType": "Goal",
            "id": goal_id(plan, i),
            "meta": meta("Goal"),
            "lifecycleStatus": "active" if active else "completed",
            "description": {"text": goal.get("text") or "Goal"},
            "subject": ctx.patient_ref,
            "startDate": day(plan["start"]),
        }
        addresses = ctx.condition_refs(goal.get("addresses") or [], plan["start"])
        if addresses:
            res["addresses"] = addresses
        target = goal.get("observation")
        if target:  # a measurable goal: Goal.target with the measure and the threshold
            quantity: dict[str, Any] = {"value": target["value"]}
            if target["operator"] in COMPARATORS:
                quantity["comparator"] = target["operator"]
            res["target"] = [{"measure": concept_of(target["codes"]), "detailQuantity": quantity}]
        out.append(res)
    return out


def careplan(plan: dict[str, Any], ctx: PatientContext) -> dict[str, Any]:
    active = _active(plan, ctx)
    activities = plan.get("activities") or []
    title = plan["codes"][0].get("display") or "Care plan"
    lines = [f"Care Plan: {title}."]
    if activities:
        lines.append("Activities: " + "; ".join(a.get("display") or a["code"] for a in activities) + ".")
    res: dict[str, Any] = {
        "resourceType": "CarePlan",
        "id": plan["id"],
        "meta": meta("CarePlan"),
        "text": narrative(" ".join(lines)),
        "status": "active" if active else "completed",
        "intent": "plan",
        "category": [
            {
                "coding": [{"system": CAREPLAN_CATEGORY, "code": "assess-plan"}],
                "text": "Assessment and Plan of Treatment",
            },
            concept_of(plan["codes"]),
        ],
        "subject": ctx.patient_ref,
    }
    enc = ctx.encounter_ref(plan.get("encounter"))
    if enc:
        res["encounter"] = enc
    res["period"] = period(plan["start"], plan.get("stop"))
    res["careTeam"] = [ctx.refs.local("CareTeam", careteam_id(plan))]
    addresses = ctx.condition_refs(plan.get("reason") or [], plan["start"])
    if addresses:
        res["addresses"] = addresses
    goal_refs = [ctx.refs.local("Goal", goal_id(plan, i)) for i in range(len(plan.get("goals") or []))]
    if goal_refs:
        res["goal"] = goal_refs
    if activities:
        status = "in-progress" if active else "completed"
        res["activity"] = [{"detail": {"code": concept(a), "status": status}} for a in activities]
    return res
