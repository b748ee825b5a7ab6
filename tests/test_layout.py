"""The package shows its pipeline (issue 19): stage folders, no import cycles, a light
command line and API, what ships found by name, and an installed wheel that works anywhere."""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import grimp
import pytest

import walkcoach

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "walkcoach"
HEAVY = ("numpy", "scipy", "starlette", "jinja2", "onnxruntime", "piper", "PIL", "mutagen",
         "feedgen")
STAGES = ("audio", "authoring", "build", "cli", "content", "encode", "plan", "process",
          "script", "share", "studio", "voice", "workspace")


def _fresh(code: str) -> str:
    """What a fresh interpreter prints running ``code`` (no test imports in it)."""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, cwd=ROOT)
    return result.stdout


def test_the_root_holds_at_most_eight_modules_and_the_stages_are_folders() -> None:
    modules = sorted(path.name for path in PACKAGE.glob("*.py"))
    assert len(modules) <= 8, modules
    folders = sorted(path.name for path in PACKAGE.iterdir()
                     if path.is_dir() and any(path.glob("*.py")))
    assert folders == sorted(STAGES)


@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_says_what_it_takes_in_and_gives_out(stage: str) -> None:
    init = PACKAGE / stage / "__init__.py"
    assert init.is_file(), f"{stage} is a folder without an __init__"
    doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
    assert len(doc) > 80, f"{stage}/__init__.py says too little: {doc!r}"


def test_no_import_cycle_anywhere_not_even_through_a_function() -> None:
    """grimp sees every import, those inside functions and TYPE_CHECKING blocks too."""
    graph = grimp.build_graph("walkcoach")
    cycles = []
    for module in sorted(graph.modules):
        for imported in graph.find_modules_directly_imported_by(module):
            if graph.chain_exists(importer=imported, imported=module):
                cycles.append((module, imported))
    assert cycles == []


def test_the_layers_contract_names_every_stage() -> None:
    """The import-linter contracts in pyproject.toml cover every stage (lint-imports runs
    them in `make test`); a new stage must be placed in them."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    layers = text[text.index('type = "layers"'):]
    layers = layers[:layers.index("]")]
    for stage in STAGES:
        assert f'"walkcoach.{stage}' in layers or f"| walkcoach.{stage}" in layers, stage


def test_the_command_line_loads_nothing_heavy() -> None:
    loaded = json.loads(_fresh(
        "import json, sys, walkcoach.cli; print(json.dumps(sorted(sys.modules)))"))
    assert [name for name in loaded if name.split(".")[0] in HEAVY] == []


@pytest.mark.parametrize("args", [("--help",), ("--version",), ("build", "--help"),
                                  ("script", "--help"), ("render", "--help"),
                                  ("program", "--help"), ("share", "--help"),
                                  ("serve", "--help"), ("validate", "--help"),
                                  ("init", "--help"), ("schema", "--help"),
                                  ("voices", "--help"), ("exercises", "--help"),
                                  ("programs", "--help")])
def test_help_and_version_load_nothing_heavy(args: tuple[str, ...]) -> None:
    code = ("import json, sys\nfrom walkcoach.cli import cli\n"
            f"try:\n    cli.main({list(args)!r}, standalone_mode=False)\n"
            "finally:\n    print(json.dumps(sorted(sys.modules)))")
    loaded = json.loads(_fresh(code).splitlines()[-1])
    assert [name for name in loaded if name.split(".")[0] in HEAVY] == []


def test_import_walkcoach_is_light_and_its_api_is_documented_and_complete() -> None:
    loaded = json.loads(_fresh(
        "import json, sys, walkcoach; print(json.dumps(sorted(sys.modules)))"))
    assert [name for name in loaded if name.split(".")[0] in (*HEAVY, "yaml", "click")] == []
    assert walkcoach.__all__ == sorted(walkcoach.__all__)
    public = {name for name in walkcoach._WHERE}
    assert set(walkcoach.__all__) == public | {"__version__"}
    for name in walkcoach.__all__:
        value = getattr(walkcoach, name)
        if name != "__version__":
            assert (value.__doc__ or "").strip(), f"walkcoach.{name} has no docstring"
    with pytest.raises(AttributeError):
        walkcoach.no_such_thing  # noqa: B018


def test_the_api_builds_a_track(tmp_path: Path) -> None:
    """The README's example, as a library user runs it (the system voice: quick)."""
    spec = walkcoach.make_spec(exercise="walking-backwards", level="beginner", minutes=1)
    speaker = walkcoach.make_speaker("system")
    built = walkcoach.build_track(spec, speaker, tmp_path / "week1.mp3")
    assert built.path.stat().st_size > 10_000
    with pytest.raises(walkcoach.InputError, match="unknown exercise"):
        walkcoach.make_spec(exercise="walking-sideways")


def test_shipped_programs_are_found_by_name() -> None:
    path = walkcoach.find_program("walking-backwards-6-weeks")
    assert path.is_file() and path.parent.name == "programs"
    with pytest.raises(walkcoach.InputError, match="walking-backwards-6-weeks"):
        walkcoach.find_program("no-such-program")
    listed = subprocess.run([sys.executable, "-m", "walkcoach", "programs"], text=True,
                            capture_output=True, check=True).stdout
    assert re.search(r"^walking-backwards-6-weeks\s+6 weeks", listed, flags=re.MULTILINE)
    refused = subprocess.run([sys.executable, "-m", "walkcoach", "program", "no-such-program",
                              "-o", "x"], text=True, capture_output=True, check=False)
    assert refused.returncode == 2
    assert refused.stderr.count("\n") == 1 and "unknown program" in refused.stderr


def test_setuptools_ships_every_folder_it_finds() -> None:
    """Every folder of the package (data folders too) is listed in pyproject.toml, so an
    install ships it and setuptools warns about none."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    text = text[text.index("packages = ["):]
    text = text[:text.index("]")]
    listed = set(re.findall(r'^\s*"(walkcoach(?:\.[a-z_]+)*)",$', text, flags=re.MULTILINE))
    found = {"walkcoach." + ".".join(path.relative_to(PACKAGE).parts)
             for path in PACKAGE.rglob("*") if path.is_dir() and path.name != "__pycache__"}
    found |= {"walkcoach.audio_templates." + ".".join(path.relative_to(
        ROOT / "audio_templates").parts) for path in (ROOT / "audio_templates").rglob("*")
        if path.is_dir()}
    assert found | {"walkcoach", "walkcoach.audio_templates"} == listed


@pytest.mark.e2e
def test_the_wheel_installed_elsewhere_builds_a_program_by_name(tmp_path: Path) -> None:
    """Built as a wheel (no setuptools warning), installed into a fresh virtual environment
    outside the repository, `walkcoach program NAME` works from an empty folder."""
    wheels = tmp_path / "wheels"
    source = tmp_path / "source"  # setuptools writes build/ beside what it builds: a copy
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    for folder in ("src", "audio_templates"):
        shutil.copytree(ROOT / folder, source / folder,
                        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-v",
                            "-w", str(wheels), str(source)], capture_output=True, text=True,
                           check=True)
    said = built.stdout + built.stderr  # -v: the build backend's own output too
    assert "setuptools" in said  # the backend's output is there to be read
    assert re.findall(r".*(?:BuildBackendWarning|DeprecationWarning|would be ignored).*",
                      said) == []
    (wheel,) = wheels.glob("walkcoach-*.whl")
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(system_site_packages=False, with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()"
                           "['purelib'])"], capture_output=True, text=True,
                          check=True).stdout.strip()
    # The fresh environment gets the dependencies from this one (no download), and
    # walkcoach only from the wheel.
    deps = [path for path in sys.path if path.endswith("site-packages")]
    Path(site, "deps.pth").write_text("\n".join(deps) + "\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps",
                    "--target", site, str(wheel)], check=True, capture_output=True)
    empty = tmp_path / "empty"
    empty.mkdir()
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    where = subprocess.run([str(python), "-c", "import walkcoach; print(walkcoach.__file__)"],
                           cwd=empty, env=env, capture_output=True, text=True, check=True)
    assert where.stdout.startswith(site), where.stdout
    result = subprocess.run([str(python), "-m", "walkcoach", "program",
                             "walking-backwards-6-weeks", "-o", "out", "--voice", "system"],
                            cwd=empty, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert len(list((empty / "out").glob("*.mp3"))) == 6
