"""One range of seeds for `script`, `build`, `render` and the library (issue 22): a seed the
command line takes writes a script `render` reads back, and one outside it is refused in one
line by each."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from walkcoach.build.session import make_spec
from walkcoach.cli import cli
from walkcoach.errors import InputError
from walkcoach.plan.limits import MAX_SEED, MIN_SEED
from walkcoach.script import file as scriptfile


@pytest.mark.parametrize("seed", [MAX_SEED + 1, MIN_SEED - 1, 2 ** 40])
def test_a_seed_outside_the_range_is_refused_by_the_command_line_and_library(seed: int) -> None:
    result = CliRunner().invoke(cli, ["script", "--minutes", "1", "--seed", str(seed)])
    assert result.exit_code == 2
    assert str(MIN_SEED) in result.output and str(MAX_SEED) in result.output
    with pytest.raises(InputError, match="seed must be a whole number from"):
        make_spec(minutes=1, seed=seed)


@pytest.mark.parametrize("seed", [MAX_SEED, MIN_SEED])
def test_a_script_written_with_any_seed_the_command_line_takes_reads_back(
        tmp_path: Path, seed: int) -> None:
    out = tmp_path / "session.yaml"
    result = CliRunner().invoke(cli, ["script", "--minutes", "1", "--voice", "system",
                                      "--seed", str(seed), "-o", str(out)])
    assert result.exit_code == 0, result.output
    script = scriptfile.read(out)
    assert scriptfile.session_of(script).seed == seed
