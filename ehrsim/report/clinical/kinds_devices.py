"""Long-acting devices (s15preg): an intrauterine system or a contraceptive implant is in place until it is removed
or its labelled life ends, not a one-off that ends with the visit that inserted it."""

from __future__ import annotations

from ehrsim.record.times import DAY, iso
from ehrsim.report.clinical.base import Finding, Rule, register
from ehrsim.report.clinical.view import PatientView

YEAR_DAYS = 365.25


@register
class DeviceInPlace(Rule):
    """Each insertion of a device of ``device_set`` recorded as an administration stays active for at least
    ``min_days`` unless its end is explained (a removal of ``removal_set`` within ``slack_days`` of it, a pregnancy
    of ``pregnancy_set`` begun while in place, death or the end of the record), and no longer than ``max_years``."""

    kind = "device_in_place"
    required = ("device_set", "removal_set", "pregnancy_set", "min_days", "max_years", "slack_days")

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        devices = self.data.code_set(self.p["device_set"])
        removals = view.events_in(self.data.code_set(self.p["removal_set"]), ("procedures",))
        pregnancies = view.onsets(self.data.code_set(self.p["pregnancy_set"]))
        slack = float(self.p["slack_days"]) * DAY
        for med in view.entries("medications"):
            if not med.get("administered") or not devices.any(med.get("codes")):
                continue
            start, stop = med["start"], view.stop_of(med)
            days = (stop - start) / DAY
            explained = (
                stop >= view.end - slack
                or any(abs(r - stop) <= slack for r in removals)
                or any(start < p <= stop + slack for p in pregnancies)
            )
            name = (med.get("codes") or [{}])[0].get("display")
            if days > self.p["max_years"] * YEAR_DAYS + slack / DAY:
                f.add(False, f"{name} inserted {iso(start)[:10]}: in place {days / YEAR_DAYS:.1f} years")
            else:
                f.add(
                    days >= self.p["min_days"] or explained,
                    f"{name} inserted {iso(start)[:10]}: ends after {days:.0f} days with no removal",
                )
        return f
