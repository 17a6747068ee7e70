"""Exporter-owned options: Settings fields and CLI flags are generated from each exporter's model."""

from __future__ import annotations

import argparse
import datetime as dt
import pickle
from typing import Any, ClassVar

import pytest
from pydantic import Field, ValidationError

from ehrsim import settings as settings_module
from ehrsim.cli.exporter_options import add_exporter_options, exporter_option_values
from ehrsim.errors import ConfigError
from ehrsim.exporters import registry
from ehrsim.exporters.base import Exporter, ExporterOptions, Rendered
from ehrsim.exporters.fhir.options import FhirOptions
from ehrsim.settings import Settings


class ShoutOptions(ExporterOptions):
    shout_volume: int = Field(3, ge=1, description="how loud")
    shout_caps: bool = Field(False, description="in capitals")


class ShoutExporter(Exporter):
    """What a third-party package registers under the ``ehrsim.exporters`` entry-point group."""

    name: ClassVar[str] = "shout"
    folder: ClassVar[str] = "shout"
    options: ClassVar[type[ShoutOptions]] = ShoutOptions

    def render(self, record: dict[str, Any]) -> Rendered:
        opts = ShoutOptions.from_settings(self.ctx.settings)
        text = record["id"].upper() if opts.shout_caps else record["id"]
        return Rendered(rows=[("shouts", (text + "!" * opts.shout_volume + "\n").encode())])


class ClashOptions(ExporterOptions):
    table_format: str = "xml"


class ClashExporter(Exporter):
    name: ClassVar[str] = "clash"
    options: ClassVar[type[ClashOptions]] = ClashOptions


@pytest.fixture
def plugin(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Make ``ShoutExporter`` available as if installed through an entry point; undo afterwards."""

    def install(**targets: str) -> None:
        found = {**registry.BUILTIN, **targets}
        monkeypatch.setattr(registry, "available", lambda: found)
        registry.option_models.cache_clear()
        registry.option_fields.cache_clear()

    yield install
    registry.option_models.cache_clear()
    registry.option_fields.cache_clear()


def test_builtin_options_are_settings_fields_with_their_defaults() -> None:
    s = Settings(reference_date=dt.date(2025, 1, 1))
    assert (s.fhir_bundle, s.fhir_references, s.fhir_gzip) == ("transaction", "literal", False)  # type: ignore[attr-defined]
    assert set(FhirOptions.model_fields) <= set(Settings.model_fields)
    assert FhirOptions.from_settings(s) == FhirOptions()
    with pytest.raises(ValidationError):
        Settings(reference_date=dt.date(2025, 1, 1), fhir_bundle="batch")
    with pytest.raises(ValidationError):
        Settings(reference_date=dt.date(2025, 1, 1), no_such_option=1)
    assert pickle.loads(pickle.dumps(s)) == s  # worker processes receive it


def test_a_third_party_exporter_gets_settings_fields_and_flags(plugin: Any) -> None:
    plugin(shout=f"{__name__}:ShoutExporter")
    model = settings_module._settings_model()
    s = model(reference_date=dt.date(2025, 1, 1), formats=("shout",), shout_volume=5)
    assert ShoutOptions.from_settings(s) == ShoutOptions(shout_volume=5)
    with pytest.raises(ValidationError):
        model(reference_date=dt.date(2025, 1, 1), shout_volume=0)
    parser = argparse.ArgumentParser()
    add_exporter_options(parser)
    args = parser.parse_args(["--shout-volume", "7", "--shout-caps", "--fhir-gzip"])
    values = exporter_option_values(args)
    assert values["shout_volume"] == 7 and values["shout_caps"] is True and values["fhir_gzip"] is True
    assert values["table_format"] == "csv"
    help_text = parser.format_help()
    assert "shout exporter" in help_text and "how loud" in help_text


def test_two_exporters_defining_one_option_differently_is_an_error(plugin: Any) -> None:
    plugin(clash=f"{__name__}:ClashExporter")
    with pytest.raises(ConfigError, match="table_format"):
        registry.option_fields()
